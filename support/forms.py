"""Forms for obstacles: shape only; support/services.py enforces the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pilots.forms import long_text
from proposals.forms import StyledMixin
from support.models import Obstacle

FILE_HELP = _("PDF, DOCX, XLSX, ODT, JPEG or PNG; at most 20 MB.")


class RaiseForm(StyledMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Obstacle.Kind.choices)
    description = long_text(_("what blocks the pilot"))
    request = long_text(_("what is asked"))
    report = forms.TypedChoiceField(
        label=_("raised with the report"), required=False, coerce=int, empty_value=None
    )
    file = forms.FileField(label=_("File"), required=False, help_text=FILE_HELP)

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        reports = pilot.reports.exclude(submitted_at=None)
        self.fields["report"].choices = [("", "—")] + [
            (r.pk, f"{r.period_start:%d/%m/%Y}–{r.period_end:%d/%m/%Y}") for r in reports
        ]


class AnswerForm(StyledMixin, forms.Form):
    decision = forms.ChoiceField(label=_("answer"), choices=Obstacle.Decision.choices)
    note = long_text(_("the answer"))


class EscalateForm(StyledMixin, forms.Form):
    note = long_text(_("why the unit above must answer"))


class ConfirmForm(StyledMixin, forms.Form):
    cleared = forms.TypedChoiceField(
        label=_("Is it cleared?"), choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
    )  # fmt: skip
    note = long_text(_("note"), required=False)


class AttachForm(StyledMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=FILE_HELP)
    description = forms.CharField(label=_("description"), max_length=255, required=False)
