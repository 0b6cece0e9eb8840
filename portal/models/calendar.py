"""The working calendar, notifications and the bookkeeping of the daily sweep."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarDay(models.Model):
    """An administrator's correction to the working calendar: an extra day off, or a make-up
    working day (Vietnam swaps days around Tết and national holidays)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Make-up working day")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("reason"), max_length=255)
    # A correction is never deleted (deadlines were counted with it): it is withdrawn, with why.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(withdrawn_at__isnull=True), name="one_correction_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()}"


class Notification(models.Model):
    """An in-app notification; an e-mail copy is sent after the transaction commits."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=255)  # in the portal's default language
    body = models.TextField(_("message"))
    texts = models.JSONField(_("texts by language"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("content type")
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_retry_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject_text

    def _text(self, part: str) -> str:
        return (self.texts or {}).get(get_language() or "", {}).get(part) or getattr(self, part)

    @property
    def subject_text(self) -> str:
        """The subject in the reader's language (as written when it was sent)."""
        return self._text("subject")

    @property
    def body_text(self) -> str:
        return self._text("body")


class ReminderLog(models.Model):
    """One row per reminder sent: the unique key makes every reminder go out once, even if the
    sweep runs twice or a worker dies half-way through."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("recipient")
    )
    kind = models.CharField(max_length=64, verbose_name=_("kind"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("content type"))
    object_id = models.PositiveBigIntegerField(verbose_name=_("object id"))
    day = models.DateField(verbose_name=_("day"))
    notification = models.OneToOneField(
        Notification, on_delete=models.SET_NULL, null=True, verbose_name=_("notification")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "content_type", "object_id", "day"],
                name="reminder_once_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.day:%d/%m/%Y})"


class SweepRun(models.Model):
    """A record of each run of the daily due sweep, for operators."""

    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(_("reminders sent"), default=0)

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.reminders_sent}"


class SweepChunk(models.Model):
    """One share of a sweep run, done by one task: a provider over a range of ids of its items
    (`first_id` ≤ id < `last_id`; none: all of them). A run is finished once all its chunks are."""

    run = models.ForeignKey(SweepRun, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("run"))
    provider = models.CharField(max_length=200, verbose_name=_("provider"))
    first_id = models.PositiveBigIntegerField(null=True, verbose_name=_("first id"))
    last_id = models.PositiveBigIntegerField(null=True, verbose_name=_("last id"))
    finished_at = models.DateTimeField(null=True, verbose_name=_("finished at"))
    reminders_sent = models.PositiveIntegerField(default=0, verbose_name=_("reminders sent"))

    class Meta:
        verbose_name = _("sweep chunk")
        verbose_name_plural = _("sweep chunks")
        ordering = ["run", "id"]

    def __str__(self) -> str:
        return f"{self.provider} [{self.first_id}, {self.last_id})"
