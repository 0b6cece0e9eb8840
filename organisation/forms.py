"""The plan form: a YAML (or JSON) file, or the same text pasted; organisation/plan.py reads it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organisation.plan import Plan, PlanError, read
from proposals.forms import StyledMixin

MAX_PLAN_BYTES = 5 * 1024 * 1024


class PlanForm(StyledMixin, forms.Form):
    file = forms.FileField(
        label=_("Plan file"),
        required=False,
        help_text=_("YAML or JSON, at most 5 MB (see the example below)."),
    )
    text = forms.CharField(
        label=_("or the plan's text"), required=False, widget=forms.Textarea(attrs={"rows": 12}),
        max_length=MAX_PLAN_BYTES,
    )  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None and upload.size > MAX_PLAN_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        raw = upload.read() if upload is not None else (data.get("text") or "").encode()
        if not raw.strip():
            raise forms.ValidationError(_("Choose a plan file or paste its text."))
        try:
            data["plan"] = read(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The plan must be text in UTF-8.")) from None
        except PlanError as error:
            raise forms.ValidationError(error.problems) from None
        return data

    @property
    def plan(self) -> Plan:
        return self.cleaned_data["plan"]
