"""Forms for urging: shape only; monitoring/services.py enforces the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.models import PeriodicReview
from pilots.forms import long_text
from proposals.forms import DateInput, StyledMixin


class UrgeForm(StyledMixin, forms.Form):
    """The overdue items to name (checkboxes `item` = "kind:id") and a note."""

    item = forms.MultipleChoiceField(label=_("Overdue items"), widget=forms.CheckboxSelectMultiple)
    note = long_text(_("note"), required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = choices

    def item_refs(self) -> list[tuple[str, int]]:
        return [(value.split(":")[0], int(value.split(":")[1])) for value in self.cleaned_data["item"]]


class AnswerForm(StyledMixin, forms.Form):
    note = long_text(_("what will be done"))
    by = forms.DateField(label=_("by"), widget=DateInput())


class ReviewForm(StyledMixin, forms.Form):
    """Sơ kết / tổng kết of a unit the person reports on."""

    unit = forms.ChoiceField(label=_("unit"))
    kind = forms.ChoiceField(label=_("kind"), choices=PeriodicReview.Kind.choices)
    period_start = forms.DateField(label=_("period from"), widget=DateInput())
    period_end = forms.DateField(label=_("period until"), widget=DateInput())
    findings = long_text(_("findings"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.code, unit.name) for unit in units]


class AttachForm(StyledMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX, ODT, JPEG or PNG; at most 20 MB."))
    description = forms.CharField(label=_("description"), max_length=255, required=False)
