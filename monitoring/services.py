"""Urging, one function per verb on the workflow helper: sending a notice that names a unit's
overdue items, and the unit head's answer (what will be done, by when)."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from monitoring import items, permissions
from monitoring.models import ExportJob, PeriodicReview, ReportSnapshot, ReviewAttachment, Urging, UrgingItem
from monitoring.sources import period_bounds, reachable
from monitoring.structure import TODAY, structure_of, tree
from portal.errors import IncompleteInput
from portal.filetypes import store_upload
from portal.models import RoleAssignment, Unit, User
from portal.permissions import covers
from portal.workflow import Workflow, ensure, required_text, tell

RULES = {
    "answer": (permissions.is_unit_head, gettext_lazy("Only the head of the urged unit answers the urging.")),
}
FLOW = Workflow(
    model=Urging,
    rules=RULES,
    related=("unit",),
    refused=gettext_lazy("This action is not allowed while the urging is “%(status)s”."),
)
MAX_ITEMS = 100
logger = logging.getLogger(__name__)


def check_send(*, actor: User, unit: Unit) -> None:
    """403 unless the person may urge this unit: asked before the body's items are read."""
    ensure(
        permissions.may_urge(actor, unit),
        _("Only Organisation Committee staff covering the unit, or a head above it, urge it."),
    )


@transaction.atomic
def urging_send(*, actor: User, unit: Unit, item_refs: list[tuple[str, int]], note: str = "") -> Urging:
    """Name overdue items of the unit that the sender can see; anything else is refused (400)."""
    check_send(actor=actor, unit=unit)
    if not item_refs:
        raise IncompleteInput({"items": _("Name at least one overdue item.")})
    if len(item_refs) > MAX_ITEMS:
        raise IncompleteInput({"items": _("At most %(n)s items in one urging.") % {"n": MAX_ITEMS}})
    overdue = {
        (kind, obj.pk): obj for kind, objects in items.overdue_in(actor, unit).items() for obj in objects
    }
    refused = [f"{kind} {pk}" for kind, pk in item_refs if (kind, pk) not in overdue]
    if refused:
        raise IncompleteInput(
            {
                "items": _("Not an overdue item of this unit that you can see: %(items)s")
                % {"items": ", ".join(refused)}
            }
        )
    urging = Urging(unit=unit, sent_by=actor, note=(note or "").strip())
    FLOW.record(urging, action="send", actor=actor)
    for kind, pk in dict.fromkeys(item_refs):
        UrgingItem.objects.create(
            urging=urging, kind=kind, object_id=pk, title=items.title_of(kind, overdue[kind, pk])
        )
    tell([RoleAssignment.objects.head_of(unit)], "urging_event", urging, urging=urging,
         headline=gettext_lazy("Your unit is urged to clear its overdue items."))  # fmt: skip
    return urging


@transaction.atomic
def urging_answer(*, actor: User, urging: Urging, note: str, by: datetime.date) -> Urging:
    urging, to_status = FLOW.begin(urging, actor=actor, action="answer")
    note = required_text(note, "note")
    if by is None:
        raise IncompleteInput({"by": _("Say by when.")})
    if by < timezone.localdate():
        raise IncompleteInput({"by": _("The date cannot be in the past.")})
    urging.answer, urging.answer_by = note, by
    urging.answered_by, urging.answered_at = actor, timezone.now()
    FLOW.record(urging, action="answer", actor=actor, to_status=to_status, note=note,
                params={"by": by.isoformat()})  # fmt: skip
    tell([urging.sent_by], "urging_event", urging, urging=urging,
         headline=gettext_lazy("The urged unit has answered."))  # fmt: skip
    return urging


@transaction.atomic
def review_record(
    *,
    actor: User,
    unit: Unit,
    kind: str,
    period_start: datetime.date,
    period_end: datetime.date,
    findings: str,
) -> PeriodicReview:
    """A preliminary or final review of a unit and period; the figures of that moment are frozen in."""
    from monitoring.summary import summary

    ensure(
        permissions.may_report_on(actor, unit),
        _("Only Organisation Committee staff or a head over the unit record its review."),
    )
    if kind not in PeriodicReview.Kind.values:
        raise IncompleteInput({"kind": _("Choose preliminary or final.")})
    if period_end < period_start:
        raise IncompleteInput({"period_end": _("The period cannot end before it starts.")})
    reachable(period_start, "period_end")
    reachable(period_end, "period_end")
    review = PeriodicReview(
        unit=unit, kind=kind, period_start=period_start, period_end=period_end, created_by=actor,
        findings=required_text(findings, "findings"), figures=summary(actor, unit, period_start, period_end),
    )  # fmt: skip
    review._change_reason = f"review recorded by {actor.username}"
    review.save()
    return review


def period_dates(period: str) -> tuple[datetime.date, datetime.date]:
    """ "2026-H1" → 1/1–30/6, "2026-H2" → 1/7–31/12, "2026" → the year; 400 otherwise."""
    year, _dash, half = (period or "").partition("-")
    if not (year.isdigit() and len(year) == 4 and 2000 <= int(year) <= 2100 and half in ("", "H1", "H2")):
        raise IncompleteInput({"period": _("Give the period as 2026-H1, 2026-H2 or 2026.")})
    y = int(year)
    if half == "H1":
        return datetime.date(y, 1, 1), datetime.date(y, 6, 30)
    if half == "H2":
        return datetime.date(y, 7, 1), datetime.date(y, 12, 31)
    return datetime.date(y, 1, 1), datetime.date(y, 12, 31)


@transaction.atomic
def snapshot_freeze(*, actor: User, unit: Unit, period: str) -> ReportSnapshot:
    """Freeze the summary of a unit and period with its files and the SHA-256 of its figures."""
    import hashlib
    import json

    from django.core.files.base import ContentFile

    from monitoring import exports
    from monitoring.sources import Sources
    from monitoring.summary import compliance, summary

    ensure(
        covers(actor, RoleAssignment.Role.ORGCOM, unit),
        _("Only Organisation Committee staff covering the unit freeze its periodic report."),
    )
    start, end = period_dates(period)
    sources = Sources(actor, unit, start, end)
    figures = summary(actor, unit, start, end, sources)
    digest = hashlib.sha256(json.dumps(figures, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    snapshot = ReportSnapshot(unit=unit, period=period, period_start=start, period_end=end, figures=figures,
                              sha256=digest, created_by=actor)  # fmt: skip
    deadlines = compliance(actor, unit, start, end, sources)
    xlsx, pdf = (
        exports.summary_xlsx(figures, unit.name, deadlines),
        exports.summary_pdf(figures, unit, actor, deadlines),
    )
    snapshot.xlsx.save("report.xlsx", ContentFile(xlsx), save=False)
    snapshot.pdf.save("report.pdf", ContentFile(pdf), save=False)
    snapshot._change_reason = f"frozen by {actor.username}"
    snapshot.save()
    return snapshot


@transaction.atomic
def review_attach(*, actor: User, review: PeriodicReview, file, description: str = "") -> ReviewAttachment:
    """A document of a periodic review (the signed report, annexes), by those who report on its unit."""
    ensure(
        permissions.may_report_on(actor, review.unit), _("Only those who report on the unit attach files.")
    )
    attachment = ReviewAttachment(review=review)
    store_upload(attachment, file, name=getattr(file, "name", ""), description=description, actor=actor)
    return attachment


EXPORT_DAYS = 7


def export_request(
    *, actor: User, unit: Unit, start: datetime.date, end: datetime.date, kind: str, structure: str = TODAY
) -> ExportJob:
    """Ask for the report of a unit and period as a file prepared in the background; the file is
    kept for the person for 7 days. With the embedded default the task runs in-process."""
    from portal.celery import enqueue

    ensure(
        permissions.may_report_on(actor, unit),
        _("Only Organisation Committee staff and heads report on this unit."),
    )
    if kind not in ExportJob.Kind.values:
        raise IncompleteInput({"kind": _("Choose XLSX or PDF.")})
    if end < start:
        raise IncompleteInput({"to": _("The period cannot end before it starts.")})
    structure = structure_of(structure)
    tree(actor, unit, structure, period_bounds(start, end)[1])  # a unit unborn then: 400 now, not in the task
    now = timezone.now()
    job = ExportJob.objects.create(
        owner=actor, unit=unit, period_start=start, period_end=end, kind=kind, language=get_language(),
        structure=structure, created_at=now, expires_at=now + datetime.timedelta(days=EXPORT_DAYS),
    )  # fmt: skip
    # by name (monitoring.tasks calls this module); a job the broker could not take stays queued
    # and exports_requeue sends it again
    transaction.on_commit(lambda: enqueue("monitoring.tasks.build_export", job.pk))
    return job


def _advance(job: ExportJob, status: str, progress: int) -> None:
    job.status, job.progress = status, progress
    job.save(update_fields=["status", "progress"])


def export_build(job_id: int) -> None:
    """Draw the file of a queued download, telling its progress as it goes. Run by the task; a
    job already taken (a redelivered task) is left alone, and one whose owner no longer reports
    on the unit fails."""
    from django.core.files.base import ContentFile

    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("owner", "unit").filter(pk=job_id).first()
        if job is None or job.status != ExportJob.Status.QUEUED:
            return
        _advance(job, ExportJob.Status.RUNNING, 5)
    try:
        content = _draw(job) if permissions.may_report_on(job.owner, job.unit) else None
    except Exception:  # a failed download is told to its owner, never a crash of the page that asked
        logger.exception("report download %s failed", job.pk)
        content = None
    if content is None:
        job.status, job.finished_at = ExportJob.Status.FAILED, timezone.now()
        job.save(update_fields=["status", "finished_at"])
        return
    job.file.save(job.filename, ContentFile(content), save=False)
    job.status, job.progress, job.finished_at = ExportJob.Status.DONE, 100, timezone.now()
    job.save(update_fields=["file", "status", "progress", "finished_at"])


def _draw(job: ExportJob) -> bytes:
    from monitoring import exports
    from monitoring.sources import Sources
    from monitoring.summary import compliance, summary

    with override(job.language):
        sources = Sources(job.owner, job.unit, job.period_start, job.period_end, structure=job.structure)
        figures = summary(job.owner, job.unit, job.period_start, job.period_end, sources)
        _advance(job, ExportJob.Status.RUNNING, 50)
        deadlines = compliance(job.owner, job.unit, job.period_start, job.period_end, sources)
        _advance(job, ExportJob.Status.RUNNING, 70)
        if job.kind == ExportJob.Kind.XLSX:
            return exports.summary_xlsx(figures, job.unit.name, deadlines, job.structure)
        return exports.summary_pdf(figures, job.unit, job.owner, deadlines, job.structure)


def exports_requeue(now: datetime.datetime | None = None) -> int:
    """Send again the downloads still queued a few minutes after they were asked for (the broker
    was away then); a job already taken is left alone by the task. Returns how many."""
    from portal.celery import enqueue

    stale = (now or timezone.now()) - datetime.timedelta(minutes=3)
    ids = list(
        ExportJob.objects.filter(status=ExportJob.Status.QUEUED, created_at__lt=stale).values_list(
            "pk", flat=True
        )
    )
    return sum(enqueue("monitoring.tasks.build_export", pk) for pk in ids)


def exports_purge(now: datetime.datetime | None = None) -> int:
    """Delete the downloads past their 7 days, files included; returns how many."""
    expired = list(ExportJob.objects.filter(expires_at__lte=now or timezone.now()))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(expired)
