from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.filetypes import MAX_UPLOAD_BYTES


class VerifyForm(forms.Form):
    fingerprint = forms.CharField(label=_("Fingerprint"), max_length=200, required=False)
    file = forms.FileField(label=_("or the dossier (PDF)"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("fingerprint") and not data.get("file"):
            raise forms.ValidationError(_("Give a fingerprint or upload a dossier."))
        if data.get("file") and data["file"].size > MAX_UPLOAD_BYTES:
            self.add_error("file", _("The file is larger than 20 MB."))
        return data
