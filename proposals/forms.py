"""Forms check shape (lengths, numbers, dates); the services enforce the rules."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from portal import voting
from portal.forms import PeopleField
from portal.models import RoleAssignment
from portal.text import reject_control_characters
from portal.voting import MAX_VOTES, Ballot
from proposals.models import MAX_BUDGET_VND, Proposal
from proposals.services import CONTENT_FIELDS, vote_exclusions

TEXT_LIMIT = 20_000

# The sections of the form, in the order of Decree 73 Art. 7(2).
SECTIONS = [
    (_("1. The bottleneck"), ["title", "gap_kind", "necessity", "legal_basis"]),
    (_("2. Content and scope"), ["solution", "scope", "start_date", "end_date"]),
    (_("3. Resources and feasibility"), ["resources", "budget_vnd", "feasibility"]),
    (_("4. Impacts, results and risks"), ["impact_positive", "impact_negative", "expected_results", "risks"]),
    (_("5. Commitments"), ["conflict_of_interest", "conditions_confirmed"]),
]


class DateInput(forms.DateInput):
    """dd/mm/yyyy as typed text: a browser's own date picker would follow its locale instead."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "maxlength": 10, **(attrs or {})},
            format="%d/%m/%Y",
        )


class StyledMixin:
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.apply_style()

    def apply_style(self) -> None:
        """Style every field (again after fields are added); idempotent."""
        for field in self.fields.values():
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            if isinstance(widget, forms.Select):
                css = "form-select"
            widget.attrs.setdefault("class", css)
            if isinstance(field, forms.CharField) and reject_control_characters not in field.validators:
                field.validators.append(reject_control_characters)


class ProposalForm(StyledMixin, forms.ModelForm):
    """The plan. Every field may stay empty in a draft; submission says what is missing."""

    budget_vnd = forms.IntegerField(
        label=_("budget (VND)"), required=False, min_value=0, max_value=MAX_BUDGET_VND,
        help_text=Proposal._meta.get_field("budget_vnd").help_text,
    )  # fmt: skip

    class Meta:
        model = Proposal
        fields = list(CONTENT_FIELDS)
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT})
                for name in (
                    "necessity", "legal_basis", "solution", "scope", "resources", "feasibility",
                    "impact_positive", "impact_negative", "expected_results", "risks", "conflict_of_interest",
                )
            },
        }  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and name != "title":
                field.max_length = TEXT_LIMIT
                field.validators.append(MaxLengthValidator(TEXT_LIMIT))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]


class ReasonForm(StyledMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class OptionalReasonForm(StyledMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=TEXT_LIMIT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PartyOpinionForm(StyledMixin, forms.Form):
    opinion = forms.CharField(
        label=_("Opinion of the Party committee at the same level"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    supports = forms.TypedChoiceField(
        label=_("The Party committee"),
        # No answer chosen beforehand: the person recording it says which it was.
        choices=[
            ("", _("— choose —")),
            ("true", _("supports the proposal")),
            ("false", _("does not support the proposal")),
        ],
        coerce=lambda value: value == "true",
        empty_value=None,
    )


class CollectiveVoteFields(forms.Form):
    """The collective's vote on a page: a choice per member who may vote, or the counts. The
    members come from the roll (the author and implementers are left off it, excluded)."""

    votes_for = forms.IntegerField(label=_("For"), min_value=0, max_value=MAX_VOTES, required=False)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, max_value=MAX_VOTES, required=False)
    votes_abstain = forms.IntegerField(
        label=_("Abstaining"), min_value=0, max_value=MAX_VOTES, required=False, initial=0
    )
    head_vote = forms.ChoiceField(
        label=_("The head's vote"), choices=[("", "—"), *Ballot.choices[:2]], required=False
    )
    counts_required = True

    def add_roll(self, roll: list[dict]) -> None:
        self.roll = roll
        choices = [("", _("— not recorded by name —")), *Ballot.choices]
        for entry in roll:
            if not entry["excluded"]:
                role = RoleAssignment.Role(entry["role"]).label
                self.fields[f"vote__{entry['member']}"] = forms.ChoiceField(
                    label=f"{entry['name']} ({role})", choices=choices, required=False
                )
        if hasattr(self, "apply_style"):
            self.apply_style()

    def clean(self):
        data = super().clean()
        named = {key.removeprefix("vote__"): data.pop(key) for key in list(data) if key.startswith("vote__")}
        if any(named.values()):
            data["votes"] = [
                {"member": member, "vote": vote or Ballot.ABSENT} for member, vote in named.items()
            ]
            data["head_vote"] = data.get("head_vote") or None
        elif self.counts_required and (
            data.get("votes_for") is None or data.get("votes_against") is None or not data.get("head_vote")
        ):
            raise forms.ValidationError(_("Record each member's vote, or the counts and the head's vote."))
        for name in ("votes_for", "votes_against", "votes_abstain", "head_vote"):
            if data.get(name) in (None, ""):
                data.pop(name, None)
        return data


class DecideForm(StyledMixin, CollectiveVoteFields):
    mode = forms.ChoiceField(label=_("Decision"), choices=Proposal.Mode.choices)
    support_granted = forms.CharField(
        label=_("support resources granted"), max_length=TEXT_LIMIT, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    @classmethod
    def for_proposal(cls, proposal: Proposal, data=None) -> DecideForm:
        form = cls(data)
        form.add_roll(voting.roll_for(proposal.reviewer_unit, exclusions=vote_exclusions(proposal)))
        return form


class OverrideForm(StyledMixin, forms.Form):
    responsibility_statement = forms.CharField(
        label=_("Statement of personal responsibility"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Cam kết chịu trách nhiệm trước cấp trên và trước pháp luật (Art. 8(1))."),
    )


class AttachmentForm(StyledMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX, ODT, JPEG or PNG; at most 20 MB."))
    description = forms.CharField(label=_("description"), max_length=255, required=False)


class PersonForm(StyledMixin, forms.Form):
    """One active person: a co-implementer, an inspector of one pilot — found by name or username
    among those the picker's purpose allows on that record (portal.people)."""

    username = PeopleField(label=_("Person"))

    def __init__(self, *args, purpose: str = "", record: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.for_record(purpose, record)


class FilterForm(StyledMixin, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("All states")), *Proposal.Status.choices], required=False
    )
    unit = forms.CharField(label=_("unit"), max_length=32, required=False)
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("Received until"), required=False, widget=DateInput())
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def apply(self, queryset):
        """The proposals the filters ask for; none while a filter cannot be read (a date such as
        31/02/2026), so that the list never looks filtered when it is not — the page says why."""
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.search(data["q"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["unit"]:
            queryset = queryset.filter(unit__code__iexact=data["unit"])
        if data["received_from"]:
            queryset = queryset.filter(received_on__gte=data["received_from"])
        if data["received_to"]:
            queryset = queryset.filter(received_on__lte=data["received_to"])
        if data["overdue"]:
            queryset = queryset.overdue()
        return queryset
