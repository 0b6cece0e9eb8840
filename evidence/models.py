"""The evidence handed out of the portal (DOMAIN §5): each dossier issued — whose, by whom, when,
the fingerprint of the audit chain it was drawn from and the SHA-256 of the file — so that the
verification page can say whether a dossier still matches the record, and what changed since."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Unit
from proposals.models import Proposal


class DossierIssue(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("proposal")
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    length = models.PositiveIntegerField(_("records covered"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    signed = models.BooleanField(_("signed"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("dossier issued")
        verbose_name_plural = _("dossiers issued")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["fingerprint"])]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.fingerprint[:16]} · {self.issued_at:%d/%m/%Y %H:%M}"


class DocumentCounter(models.Model):
    """The last number given in a unit's register of one kind of document in one year."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    symbol = models.CharField(max_length=8, verbose_name=_("symbol"))
    last = models.PositiveIntegerField(default=0, verbose_name=_("last"))

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "symbol"], name="one_register_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.symbol}: {self.last}"


class OfficialDocument(models.Model):
    """An official document drawn from the record in the Decree 30/2020 format, with the number it
    was given in its unit's register on first issue (`12/QĐ-SKHDT`) and keeps for ever."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision to implement or pilot")
        MINUTES = "minutes", _("Minutes of the collective's vote")
        DIRECTIVE = "directive", _("Decision on a directive")
        EVALUATION = "evaluation", _("Minutes of the evaluation")
        CONCLUSION = "conclusion", _("Accountability conclusion")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    source = models.CharField(
        max_length=64, verbose_name=_("source")
    )  # what it is drawn from: "proposal:12", "transition:40", "case:3"
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="official_documents", verbose_name=_("proposal")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing body"))
    year = models.PositiveSmallIntegerField(_("year"))
    symbol = models.CharField(max_length=8, verbose_name=_("symbol"))
    number = models.PositiveIntegerField(_("number"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("official document")
        verbose_name_plural = _("official documents")
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source"], name="one_document_per_source"),
            models.UniqueConstraint(
                fields=["unit", "year", "symbol", "number"], name="one_number_per_register"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The number as printed: `12/QĐ-SKHDT`."""
        return f"{self.number}/{self.symbol}-{self.unit.code}"
