"""The registers of issued evidence, read-only: what was issued is never edited."""

from django.contrib import admin

from evidence.models import DossierIssue, OfficialDocument
from proposals.admin import ReadOnly as ReadOnlyMixin


class ReadOnly(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(DossierIssue)
class DossierIssueAdmin(ReadOnly):
    list_display = ["proposal", "issued_at", "issued_by", "length", "signed", "fingerprint"]
    list_filter = ["signed"]


@admin.register(OfficialDocument)
class OfficialDocumentAdmin(ReadOnly):
    list_display = ["reference", "kind", "proposal", "issued_at", "issued_by"]
    list_filter = ["kind", "year"]
