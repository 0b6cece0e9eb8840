"""The audit chains: one SHA-256 chain per proposal dossier, its links and the nightly checks."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditChain(models.Model):
    """The head of one proposal dossier's hash chain: how many links it has and the last hash —
    the dossier's fingerprint. One row per dossier, so writers of different proposals never wait
    for each other (the row is locked while a link is added)."""

    dossier = models.BigIntegerField(_("proposal"), primary_key=True)
    length = models.PositiveIntegerField(_("links"), default=0)
    head = models.CharField(_("fingerprint"), max_length=64)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")

    def __str__(self) -> str:
        return f"{self.dossier}: {self.length} · {self.head[:16]}"


class AuditLink(models.Model):
    """One covered row (a transition or a history row of the dossier) in its chain: the digest of
    the row as written and the hash over the previous link, written in the same transaction."""

    dossier = models.BigIntegerField(_("proposal"))
    seq = models.PositiveIntegerField(_("position"))
    table = models.CharField(_("table"), max_length=100)
    row_id = models.BigIntegerField(_("row"))
    row_digest = models.CharField(max_length=64, verbose_name=_("row digest"))
    previous = models.CharField(max_length=64, verbose_name=_("previous"))
    digest = models.CharField(max_length=64, verbose_name=_("digest"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("audit link")
        verbose_name_plural = _("audit links")
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="audit_link_once_per_position"),
            models.UniqueConstraint(fields=["table", "row_id"], name="audit_link_once_per_row"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}#{self.seq}: {self.table} {self.row_id}"


class AuditCheck(models.Model):
    """One run of the nightly check of the audit chains: whether they held, and the first broken
    record (as a kind and parameters, rendered in the reader's language) when they did not."""

    at = models.DateTimeField(_("checked"), default=timezone.now)
    intact = models.BooleanField(_("intact"))
    broken = models.PositiveIntegerField(_("dossiers broken"), default=0)
    first = models.JSONField(_("first broken record"), default=dict, blank=True)
    alerted = models.BooleanField(_("administrators alerted"), default=False)

    class Meta:
        verbose_name = _("audit check")
        verbose_name_plural = _("audit checks")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M}: {'ok' if self.intact else self.first}"
