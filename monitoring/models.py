"""Urging (đôn đốc — KL 3.2 "theo dõi, đôn đốc, kiểm tra"): Organisation Committee staff covering
a unit, or a head above it, send the unit's head a notice naming its overdue items; the head
answers what will be done and by when. Notices, answers and whether the items were cleared stay
on the record and count in the reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import AttachmentBase, TransitionBase, Unit, path_prefix_q, stored_name
from portal.storage import private_storage


class UrgingQuerySet(models.QuerySet):
    def visible_to(self, user) -> UrgingQuerySet:
        """Whoever sent it and those covering the unit: its head and the heads above, Organisation
        Committee staff and inspectors (a head's scope is their unit's subtree)."""
        from portal.permissions import scope_paths

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(sent_by=user) | path_prefix_q("unit__path", scope_paths(user)))

    def for_list(self) -> UrgingQuerySet:
        return self.select_related("unit", "sent_by", "answered_by").prefetch_related("items")


class Urging(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Waiting for the unit's answer")
        ANSWERED = "answered", _("Answered")

    TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
        "send": ((), "sent"),
        "answer": (("sent",), "answered"),
    }

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="urgings", verbose_name=_("unit"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SENT)
    answer = models.TextField(_("what will be done"), blank=True)
    answer_by = models.DateField(_("by"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    history = HistoricalRecords()

    objects = UrgingQuerySet.as_manager()

    class Meta:
        verbose_name = _("urging")
        verbose_name_plural = _("urgings")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.sent_at:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("urging-detail", args=[self.pk])


class UrgingItem(models.Model):
    """One overdue item named in an urging: a proposal, a pilot, a case or an obstacle."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Proposal awaiting a decision")
        PILOT = "pilot", _("Pilot behind schedule")
        CASE = "case", _("Accountability case")
        OBSTACLE = "obstacle", _("Unanswered obstacle")

    urging = models.ForeignKey(
        Urging, on_delete=models.PROTECT, related_name="items", verbose_name=_("urging")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(verbose_name=_("object id"))
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("urging item")
        verbose_name_plural = _("urging items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["urging", "kind", "object_id"], name="urging_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class UrgingTransition(TransitionBase):
    urging = models.ForeignKey(
        Urging, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("urging")
    )
    from_status = models.CharField(_("from"), max_length=24, choices=Urging.Status.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=Urging.Status.choices)

    class Meta(TransitionBase.Meta):
        verbose_name = _("urging transition")
        verbose_name_plural = _("urging transitions")


class PeriodicReview(models.Model):
    """Sơ kết / tổng kết (KL 3.2): a unit's review of a period, with the report figures of that unit
    and period frozen into it when it is recorded."""

    class Kind(models.TextChoices):
        PRELIMINARY = "preliminary", _("Preliminary review (sơ kết)")
        FINAL = "final", _("Final review (tổng kết)")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="periodic_reviews", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    findings = models.TextField(_("findings"))
    figures = models.JSONField(_("figures"), default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("periodic review")
        verbose_name_plural = _("periodic reviews")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="review_period_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"


def snapshot_path(instance: ReportSnapshot, filename: str) -> str:
    return f"reports/{instance.unit.code}/{instance.period}-{instance.sha256[:16]}-{filename}"


class ReportSnapshot(models.Model):
    """A frozen periodic report (KL 3.2 "định kỳ báo cáo"): the figures of a unit and a period as
    they stood when it was frozen, with the XLSX and PDF drawn from them and the SHA-256 of the
    figures. Nothing later changes it."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="report_snapshots", verbose_name=_("unit")
    )
    period = models.CharField(_("period"), max_length=7)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    figures = models.JSONField(_("figures"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    xlsx = models.FileField(
        upload_to=snapshot_path,
        storage=private_storage,
        max_length=255,
        editable=False,
        verbose_name=_("XLSX file"),
    )
    pdf = models.FileField(
        upload_to=snapshot_path,
        storage=private_storage,
        max_length=255,
        editable=False,
        verbose_name=_("PDF file"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("frozen"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.period}"


def review_attachment_path(instance: ReviewAttachment, filename: str) -> str:
    return stored_name(instance, folder="reviews", owner=instance.review_id)


class ReviewAttachment(AttachmentBase):
    review = models.ForeignKey(
        PeriodicReview, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("review")
    )
    file = models.FileField(
        upload_to=review_attachment_path, storage=private_storage, max_length=255, verbose_name=_("file")
    )
    history = HistoricalRecords()

    class Meta(AttachmentBase.Meta):
        pass

    def get_absolute_url(self) -> str:
        return reverse("review-attachment", args=[self.review_id, self.pk])


def export_path(instance: ExportJob, filename: str) -> str:
    return f"exports/{instance.owner_id}/{instance.pk}-{filename}"


class ExportJob(models.Model):
    """A report download prepared in the background (a large subtree): queued, then running with
    its progress, then done with the file — kept for the person who asked for 7 days."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    kind = models.CharField(_("format"), max_length=4, choices=Kind.choices)
    # the tree of units counted by (monitoring.structure): "today" or "period_end"
    structure = models.CharField(_("structure of units"), max_length=16, default="today")
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE, verbose_name=_("language"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(
        upload_to=export_path, storage=private_storage, max_length=255, blank=True, verbose_name=_("file")
    )
    created_at = models.DateTimeField(_("asked for"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"))

    class Meta:
        verbose_name = _("report download")
        verbose_name_plural = _("report downloads")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y} · {self.kind}"

    def get_absolute_url(self) -> str:
        return reverse("report-download", args=[self.pk])

    @property
    def filename(self) -> str:
        return f"bao-cao-{self.unit.code}-{self.period_start}-{self.period_end}.{self.kind}"
