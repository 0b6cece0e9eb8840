"""Forms for the pilot pages: shape only; the services enforce the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from pilots.models import Inspection, Pilot, ProgressReport, report_period
from pilots.services import evaluation_exclusions
from portal import voting
from portal.forms import PeopleField, RowsField
from portal.text import plain_number
from proposals.forms import CollectiveVoteFields, DateInput, StyledMixin
from proposals.models import MAX_BUDGET_VND

TEXT_LIMIT = 20_000


def long_text(label, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=TEXT_LIMIT, required=required, widget=forms.Textarea(attrs={"rows": 3})
    )


def money(label, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_BUDGET_VND, required=required)


class IndicatorFieldsMixin:
    """One number field per indicator of the pilot: `indicator_<id>`."""

    def add_indicator_fields(self, pilot: Pilot, required: bool = False) -> None:
        self.indicators = list(pilot.indicators.filter(retired=False))
        for indicator in self.indicators:
            label = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=label, required=required, max_digits=19, decimal_places=4,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
            )  # fmt: skip

    def indicator_values(self) -> list[dict]:
        return [
            {"name": indicator.name, "value": self.cleaned_data[f"indicator_{indicator.pk}"]}
            for indicator in self.indicators
            if self.cleaned_data.get(f"indicator_{indicator.pk}") is not None
        ]


class ReportForm(IndicatorFieldsMixin, StyledMixin, forms.Form):
    period_end = forms.TypedChoiceField(
        label=_("reporting period"), coerce=lambda day: forms.DateField().clean(day)
    )
    progress_percent = forms.IntegerField(label=_("progress (%)"), min_value=0, max_value=100)
    summary = long_text(_("summary"))
    spending_vnd = money(_("spending (VND)"))
    issues = long_text(_("issues and risks"), required=False)

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_indicator_fields(pilot)
        # The periods a report is due for, picked by their dates: those begun, not yet reported or
        # returned for correction — the earliest first, as it is the one to send.
        self.fields["period_end"].choices = [
            (date_format(report.period_end, "SHORT_DATE_FORMAT"), due_period_label(report))
            for report in pilot.reports.filter(
                status__in=[ProgressReport.Status.DUE, ProgressReport.Status.CORRECTION],
                period_start__lte=timezone.localdate(),
            ).order_by("period_end")
        ]


def due_period_label(report: ProgressReport) -> str:
    """A period as it is offered: its dates, when it is due, and whether it came back."""
    label = _("%(period)s (due %(due)s)") % {
        "period": report_period(report),
        "due": date_format(report.due_date, "SHORT_DATE_FORMAT"),
    }
    if report.status == ProgressReport.Status.CORRECTION:
        label = _("%(period)s — returned for correction") % {"period": label}
    return label


class ReviewForm(StyledMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("true", _("Accept the report")), ("false", _("Ask for a correction"))],
        coerce=lambda value: value == "true",
    )
    note = long_text(_("review note"), required=False)


class InspectionForm(StyledMixin, forms.Form):
    findings = long_text(_("findings"))
    severity = forms.ChoiceField(label=_("severity"), choices=Inspection.Severity.choices)
    corrective_actions = long_text(_("corrective action"), required=False)
    due_date = forms.DateField(label=_("due"), required=False, widget=DateInput())


class CloseActionForm(StyledMixin, forms.Form):
    note = long_text(_("how it was done"))


class ReasonForm(StyledMixin, forms.Form):
    reason = long_text(_("Reason"))


class EmptyForm(forms.Form):
    pass


class TypedNumberField(forms.DecimalField):
    """A number as people type it: "0.5" or "0,5" (a lone comma is the Vietnamese decimal mark)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def __init__(self, **kwargs):
        super().__init__(max_digits=19, decimal_places=4, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.count(",") == 1 and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {}  # no step/min/max: the box is text


class IndicatorRow(StyledMixin, forms.Form):
    name = forms.CharField(label=_("indicator"), max_length=255)
    unit = forms.CharField(label=_("unit of measure"), max_length=64, required=False)
    baseline = TypedNumberField(label=_("baseline"))
    target = TypedNumberField(label=_("target"))


class MilestoneRow(StyledMixin, forms.Form):
    name = forms.CharField(label=_("milestone"), max_length=255)
    due_date = forms.DateField(label=_("due date"), widget=DateInput())


class PlanForm(StyledMixin, forms.Form):
    """The plan of a pilot, as set up and as adjusted."""

    start_date = forms.DateField(label=_("start date"), widget=DateInput())
    end_date = forms.DateField(label=_("end date"), widget=DateInput())
    report_frequency = forms.ChoiceField(label=_("reporting cadence"), choices=Pilot.Frequency.choices)
    budget_vnd = money(_("budget granted (VND)"), required=True)
    resources = long_text(_("resources granted"), required=False)
    scope = long_text(_("scope"), required=False)
    indicators = RowsField(IndicatorRow, label=_("indicators"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned

    def clean_indicators(self):
        return self.cleaned_data["indicators"] or []


class AdjustForm(PlanForm):
    reason = long_text(_("Reason"))
    field_order = ["reason"]

    def clean_indicators(self):
        """None when the indicators were left as they are (or not sent at all)."""
        rows = self.cleaned_data["indicators"]
        if rows is None or [as_typed(row) for row in rows] == self.initial.get("indicators"):
            return None
        return rows


class ResultsReportForm(IndicatorFieldsMixin, StyledMixin, forms.Form):
    summary = long_text(_("results report"))

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_indicator_fields(pilot)


class EvaluateForm(IndicatorFieldsMixin, StyledMixin, CollectiveVoteFields):
    """The collective evaluates (DOMAIN §2): the vote is optional on the form, as in the API."""

    counts_required = False
    party_opinion = long_text(_("Opinion of the Party committee at the same level"))
    outcome = forms.ChoiceField(label=_("outcome"), choices=Pilot.Outcome.choices)
    damage = forms.BooleanField(label=_("damage or risk event"), required=False)
    damage_vnd = money(_("estimated damage (VND)"))
    objective_causes = long_text(_("objective causes"), required=False)
    subjective_causes = long_text(_("subjective causes"), required=False)

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_indicator_fields(pilot)
        self.add_roll(voting.roll_for(pilot.directing_unit, exclusions=evaluation_exclusions(pilot)))


class PilotCreateForm(PlanForm):
    implementers = PeopleField(
        label=_("implementers"), multiple=True, required=False,
        help_text=_("Type part of a name or username and choose; the author when nobody is chosen."),
    )  # fmt: skip

    milestones = RowsField(MilestoneRow, label=_("milestones"))
    field_order = [
        "start_date", "end_date", "report_frequency", "budget_vnd", "resources", "scope", "implementers",
        "indicators", "milestones",
    ]  # fmt: skip

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementers"].widget.for_record("implementers", proposal.pk)
        self.fields["start_date"].help_text = _(
            "A pilot that began before today owes its reports for the periods already ended: they are "
            "due, or overdue, as soon as it is set up."
        )

    def clean_milestones(self):
        return self.cleaned_data["milestones"] or []

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        late = [
            row["name"]
            for row in cleaned.get("milestones") or []
            if start and end and not start <= row["due_date"] <= end
        ]
        if late:
            self.add_error(
                "milestones",
                _("A milestone falls outside the pilot's dates: %(names)s") % {"names": ", ".join(late)},
            )
        return cleaned


def indicator_rows(pilot: Pilot) -> list[dict]:
    """The pilot's indicators as the form's rows show them: numbers as typed ("40", not "4E+1")."""
    return [
        as_typed({"name": i.name, "unit": i.unit, "baseline": i.baseline, "target": i.target})
        for i in pilot.indicators.filter(retired=False)
    ]


def as_typed(row: dict) -> dict:
    return {**row, "baseline": plain_number(row["baseline"]), "target": plain_number(row["target"])}


class AttachmentForm(StyledMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX, ODT, JPEG or PNG; at most 20 MB."))
    report = forms.ModelChoiceField(queryset=None, label=_("Progress report"), required=False)
    description = forms.CharField(label=_("description"), max_length=255, required=False)

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = pilot.reports.all()
        self.fields["report"].label_from_instance = report_period
