"""Obstacles of a pilot (khó khăn, vướng mắc — KL 2.4 "kịp thời … tháo gỡ"): what blocks it and what
is asked, answered within 5 working days by the head of the answering unit — support granted, an
adjustment started, escalation to the unit above (whose clock starts again) or a reasoned refusal
— and confirmed cleared, or reopened, by the implementers."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from pilots.models import Pilot, ProgressReport, visible_pilot_q
from portal.models import AttachmentBase, TransitionBase, Unit, stored_name
from portal.storage import private_storage


class ObstacleQuerySet(models.QuerySet):
    def visible_to(self, user) -> ObstacleQuerySet:
        """Whoever sees the pilot (the head of the answering unit does: it is the directing unit
        or a unit above it)."""
        return self.filter(visible_pilot_q(user, prefix="pilot__"))

    def for_list(self) -> ObstacleQuerySet:
        return self.select_related(
            "pilot__proposal", "pilot__directing_unit", "pilot__unit", "answerer_unit__parent", "raised_by"
        )

    def overdue(self, today: datetime.date | None = None) -> ObstacleQuerySet:
        return self.filter(status=Obstacle.Status.OPEN, answer_due__lt=today or timezone.localdate())


class Obstacle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")
        CLEARED = "cleared", pgettext_lazy("obstacle status", "Cleared")

    class Kind(models.TextChoices):
        LEGAL = "legal", _("Legal basis unclear or conflicting")
        RESOURCES = "resources", _("Resources")
        COORDINATION = "coordination", _("Coordination with another unit")
        OTHER = "other", _("Other")

    class Decision(models.TextChoices):
        SUPPORT_GRANTED = "support_granted", _("Support granted")
        ADJUSTMENT_STARTED = "adjustment_started", _("Adjustment of the plan started")
        DECLINED = "declined", _("Declined, with reasons")

    TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
        "raise": ((), "open"),
        "answer": (("open",), "answered"),
        "escalate": (("open",), None),  # stays open; the unit above answers, the clock restarts
        "confirm": (("answered",), None),  # cleared, or back to open
    }
    BRANCHES: dict[str, tuple[str, ...]] = {"confirm": ("cleared", "open")}

    pilot = models.ForeignKey(
        Pilot, on_delete=models.PROTECT, related_name="obstacles", verbose_name=_("pilot")
    )
    report = models.ForeignKey(
        ProgressReport, on_delete=models.PROTECT, null=True, blank=True, related_name="obstacles",
        verbose_name=_("raised with the report"),
    )  # fmt: skip
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("what blocks the pilot"))
    request = models.TextField(_("what is asked"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    answerer_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="obstacles_to_answer", verbose_name=_("answering unit")
    )
    answer_due = models.DateField(_("answer due"))
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)
    decision = models.CharField(_("answer"), max_length=24, choices=Decision.choices, blank=True)
    answer = models.TextField(_("the answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("answered on time"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ObstacleQuerySet.as_manager()

    class Meta:
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pilot_id}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("obstacle-detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.answer_due < timezone.localdate()


class ObstacleTransition(TransitionBase):
    obstacle = models.ForeignKey(
        Obstacle, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("obstacle")
    )
    from_status = models.CharField(_("from"), max_length=24, choices=Obstacle.Status.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=Obstacle.Status.choices)

    class Meta(TransitionBase.Meta):
        verbose_name = _("obstacle transition")
        verbose_name_plural = _("obstacle transitions")


def attachment_path(instance: ObstacleAttachment, filename: str) -> str:
    return stored_name(instance, folder="obstacles", owner=instance.obstacle_id)


class ObstacleAttachment(AttachmentBase):
    obstacle = models.ForeignKey(
        Obstacle, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("obstacle")
    )
    file = models.FileField(
        upload_to=attachment_path, storage=private_storage, max_length=255, verbose_name=_("file")
    )
    history = HistoricalRecords()

    class Meta(AttachmentBase.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("obstacle-attachment", args=[self.obstacle_id, self.pk])
