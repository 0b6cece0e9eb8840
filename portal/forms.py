"""Forms of the portal app."""

from django import forms
from django.utils.translation import gettext_lazy as _


class MarkReadForm(forms.Form):
    notification = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    all = forms.BooleanField(required=False, label=_("Mark all as read"))
