"""Forms for the model library: shape only; replication/services.py enforces the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilots.forms import long_text
from proposals.forms import DateInput, StyledMixin
from replication.models import InnovationModel, Institutionalisation
from replication.services import STAGE_ACTIONS


class PublishForm(StyledMixin, forms.Form):
    summary = long_text(_("summary"))
    conditions = long_text(_("conditions for replication"))
    field = forms.ChoiceField(label=_("field"), choices=InnovationModel.Field.choices)


class InstitutionaliseForm(StyledMixin, forms.Form):
    document_kind = forms.CharField(label=_("kind of document"), max_length=120)
    drafting_agency = forms.CharField(label=_("drafting agency"), max_length=255)
    note = long_text(_("note"), required=False)


class AdvanceForm(StyledMixin, forms.Form):
    stage = forms.ChoiceField(
        label=_("stage"),
        choices=[(s, label) for s, label in Institutionalisation.Status.choices if s in STAGE_ACTIONS],
    )
    document_number = forms.CharField(label=_("document number"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("issued on"), required=False, widget=DateInput())
    note = long_text(_("note"), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    field = forms.ChoiceField(
        label=_("field"), choices=[("", "—"), *InnovationModel.Field.choices], required=False
    )
    unit = forms.CharField(label=_("unit"), max_length=32, required=False)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)


class AttachForm(StyledMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX, ODT, JPEG or PNG; at most 20 MB."))
    description = forms.CharField(label=_("description"), max_length=255, required=False)
