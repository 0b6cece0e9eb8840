"""The registers of issued evidence, read-only: what was issued is never edited."""

from django.contrib import admin

from evidence.models import DossierIssue, OfficialDocument


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DossierIssue)
class DossierIssueAdmin(ReadOnly):
    list_display = ["proposal", "issued_at", "issued_by", "length", "signed", "fingerprint"]
    list_filter = ["signed"]


@admin.register(OfficialDocument)
class OfficialDocumentAdmin(ReadOnly):
    list_display = ["reference", "kind", "proposal", "issued_at", "issued_by"]
    list_filter = ["kind", "year"]
