"""A reorganisation (sắp xếp tổ chức bộ máy): units merged, split, moved or renamed on a date, by a
plan an administrator loads — a decision's whole batch at once (a province's communes in one file).
The plan is kept as loaded, with its fingerprint, so the same file twice is the same record; what
applying it moved is kept beside it (`outcome`), and every row it moved has its own history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import TransitionBase


class ReorganisationQuerySet(models.QuerySet):
    def due(self, today=None) -> ReorganisationQuerySet:
        """Planned ones whose day has come."""
        return self.filter(
            status=Reorganisation.Status.PLANNED, effective_on__lte=today or timezone.localdate()
        )


class Reorganisation(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        APPLIED = "applied", _("Applied")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
        "plan": ((), "planned"),
        "apply": (("planned",), "applied"),
        "cancel": (("planned",), "cancelled"),
    }

    reference = models.CharField(
        _("decision"), max_length=255, help_text=_("The decision or resolution that orders it.")
    )
    effective_on = models.DateField(_("effective on"))
    plan = models.JSONField(_("plan"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    outcome = models.JSONField(_("what moved"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("loaded by")
    )
    created_at = models.DateTimeField(_("loaded"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ReorganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.effective_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("reorganisation-detail", args=[self.pk])


class ReorganisationTransition(TransitionBase):
    reorganisation = models.ForeignKey(
        Reorganisation, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("reorganisation")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Reorganisation.Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Reorganisation.Status.choices)

    class Meta(TransitionBase.Meta):
        verbose_name = _("reorganisation transition")
        verbose_name_plural = _("reorganisation transitions")
