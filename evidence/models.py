"""The evidence handed out of the portal (DOMAIN §5): each dossier issued — whose, by whom, when,
the fingerprint of the audit chain it was drawn from and the SHA-256 of the file — so that the
verification page can say whether a dossier still matches the record, and what changed since."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proposals.models import Proposal


class DossierIssue(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="dossiers")
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    length = models.PositiveIntegerField(_("records covered"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    signed = models.BooleanField(_("signed"), default=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("dossier issued")
        verbose_name_plural = _("dossiers issued")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["fingerprint"])]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.fingerprint[:16]} · {self.issued_at:%d/%m/%Y %H:%M}"
