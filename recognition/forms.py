"""Forms for recognition: shape only; recognition/services.py enforces the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.forms import DateInput, StyledMixin
from recognition.models import Reward


class RewardForm(StyledMixin, forms.Form):
    cadre = forms.ChoiceField(label=_("cadre"))
    kind = forms.ChoiceField(label=_("kind"), choices=Reward.Kind.choices)
    decision_ref = forms.CharField(label=_("decision number"), max_length=100)
    decided_on = forms.DateField(label=_("decided on"), widget=DateInput())
    file = forms.FileField(
        label=_("The signed decision"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, ODT, JPEG or PNG; at most 20 MB."),
    )

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        people = {pilot.proposal.author, *pilot.implementers.all()}
        self.fields["cadre"].choices = [
            (p.username, p.full_name) for p in sorted(people, key=lambda p: p.full_name)
        ]
