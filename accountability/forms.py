"""Forms for the case pages: shape only; accountability/services.py enforces the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.models import Case, CaseReview
from pilots.forms import long_text
from portal.models import User
from proposals.forms import StyledMixin

YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def yes_no(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda value: value == "yes")


class ReviewForm(StyledMixin, forms.Form):
    findings = long_text(_("findings"))
    recommendation = forms.ChoiceField(label=_("recommendation"), choices=CaseReview.Recommendation.choices)


class OutcomeDeterminationForm(StyledMixin, forms.Form):
    """The three-part good-faith test (Art. 11) and the causes."""

    objective_causes = long_text(_("objective causes"), required=False)
    subjective_causes = long_text(_("subjective causes"), required=False)
    acted_per_policy = yes_no(_("Per policy"))
    pure_motive = yes_no(_("Pure motives"))
    common_good = yes_no(_("For the common good"))


class ReportDeterminationForm(StyledMixin, forms.Form):
    substantiated = yes_no(_("substantiated"))
    findings = long_text(_("findings"))


class ReliefForm(StyledMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("result"),
        choices=[(c, label) for c, label in Case.Result.choices if c not in ("sanctioned", "cleared")],
    )
    basis = long_text(_("basis"))


class ReferralOutcomeForm(StyledMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("result"),
        choices=[(c, label) for c, label in Case.Result.choices if c in ("sanctioned", "cleared")],
    )
    note = long_text(_("note"), required=False)


class ExplanationForm(StyledMixin, forms.Form):
    text = long_text(_("explanation"))
    file = forms.FileField(
        label=_("File"), required=False, help_text=_("PDF, DOCX, XLSX, ODT, JPEG or PNG; at most 20 MB.")
    )
    description = forms.CharField(label=_("description"), max_length=255, required=False)


class CaseReportForm(StyledMixin, forms.Form):
    """Report suspected abuse or obstruction about a person, on one proposal."""

    kind = forms.ChoiceField(label=_("kind"), choices=[c for c in Case.Kind.choices if c[0] != "outcome"])
    proposal = forms.IntegerField(label=_("proposal"), min_value=1, max_value=2**63 - 1)
    subject = forms.CharField(label=_("Username"), max_length=150)
    summary = long_text(_("summary"))

    def clean_subject(self) -> User:
        user = User.objects.filter(username=self.cleaned_data["subject"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active person has this username."))
        return user
