"""The plan form (a YAML or JSON file, or the same text pasted; organisation/plan.py reads it) and
the import form (an HR export's files; organisation/imports.py reads them)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organisation.plan import Plan, PlanError, read
from proposals.forms import StyledMixin

MAX_PLAN_BYTES = 5 * 1024 * 1024
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): each checked as a FileField."""

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] or single(None, initial)
        return [single(data, initial)]


class ImportForm(StyledMixin, forms.Form):
    files = MultipleFileField(
        label=_("Files"), widget=MultipleFileInput(attrs={"multiple": True, "accept": ".xlsx,.csv"}),
        help_text=_("One Excel workbook (.xlsx) with a sheet of units and a sheet of people, or CSV files "
                    "(UTF-8), each with its header row; at most 20 MB in all."),
    )  # fmt: skip

    def clean_files(self) -> list[tuple[str, bytes]]:
        uploads = self.cleaned_data["files"]
        if sum(upload.size for upload in uploads) > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The files are larger than 20 MB in all."))
        return [(upload.name, upload.read()) for upload in uploads]


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
