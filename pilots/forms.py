"""Forms for the pilot pages: shape only; the services enforce the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from pilots.models import Inspection, Pilot, ProgressReport, report_period
from pilots.services import evaluation_exclusions
from portal import voting
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


class PlanForm(StyledMixin, forms.Form):
    """The plan of a pilot, as set up and as adjusted."""

    start_date = forms.DateField(label=_("start date"), widget=DateInput())
    end_date = forms.DateField(label=_("end date"), widget=DateInput())
    report_frequency = forms.ChoiceField(label=_("reporting cadence"), choices=Pilot.Frequency.choices)
    budget_vnd = money(_("budget granted (VND)"), required=True)
    resources = long_text(_("resources granted"), required=False)
    scope = long_text(_("scope"), required=False)
    indicators = forms.CharField(
        label=_("indicators"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name; unit; baseline; target — e.g. “Processing time; days; 45; 15”."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned

    def clean_indicators(self):
        return parse_indicator_lines(self.cleaned_data["indicators"])


class AdjustForm(PlanForm):
    reason = long_text(_("Reason"))
    field_order = ["reason"]

    def clean_indicators(self):
        """None when the indicators were left as they are (or not sent at all)."""
        text = self.cleaned_data["indicators"]
        unchanged = " ".join(text.split()) == " ".join((self.initial.get("indicators") or "").split())
        if "indicators" not in self.data or unchanged:
            return None
        return parse_indicator_lines(text)


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
    implementers = forms.CharField(
        label=_("implementers"), max_length=2000,
        help_text=_("Usernames separated by commas; the author when left empty."), required=False,
    )  # fmt: skip

    def clean_implementers(self):
        from portal.models import User

        names = [name.strip() for name in self.cleaned_data["implementers"].split(",") if name.strip()]
        people = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
        unknown = [name for name in names if name not in people]
        if unknown:
            raise forms.ValidationError(
                _("No active person with the username: %(names)s") % {"names": ", ".join(unknown)}
            )
        return [people[name] for name in dict.fromkeys(names)]


def indicator_lines(pilot: Pilot) -> str:
    """The pilot's indicators as the form writes them: name; unit; baseline; target."""
    return "\n".join(
        f"{i.name}; {i.unit}; {plain_number(i.baseline)}; {plain_number(i.target)}"
        for i in pilot.indicators.filter(retired=False)
    )


def parse_indicator_lines(text: str) -> list[dict]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 4:
            raise forms.ValidationError(_("Line %(n)s: write name; unit; baseline; target.") % {"n": number})
        rows.append({"name": parts[0], "unit": parts[1], "baseline": parts[2], "target": parts[3]})
    return rows


class AttachmentForm(StyledMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX, ODT, JPEG or PNG; at most 20 MB."))
    report = forms.ModelChoiceField(queryset=None, label=_("Progress report"), required=False)
    description = forms.CharField(label=_("description"), max_length=255, required=False)

    def __init__(self, *args, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = pilot.reports.all()
        self.fields["report"].label_from_instance = report_period
