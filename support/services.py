"""Obstacles, one function per verb on the workflow helper: raised by an implementer, answered
(support granted, adjustment started, declined) or escalated by the head of the answering unit,
confirmed cleared or reopened by an implementer. Each step: row lock, permission, transition row,
history reason, notifications after commit."""

from __future__ import annotations

from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.models import Pilot, ProgressReport
from portal.errors import DomainError, IncompleteInput, InvalidTransition
from portal.filetypes import store_upload
from portal.models import RoleAssignment, User
from portal.rules import rule
from portal.workdays import add_working_days
from portal.workflow import Workflow, ensure, required_text, tell
from support import permissions
from support.models import Obstacle, ObstacleAttachment

RULES = {
    "answer": (
        permissions.is_answerer, gettext_lazy("Only the head of the answering unit answers the obstacle.")
    ),
    "escalate": (
        permissions.is_answerer, gettext_lazy("Only the head of the answering unit escalates the obstacle.")
    ),
    "confirm": (permissions.can_confirm, gettext_lazy("Only an implementer confirms whether it is cleared.")),
}  # fmt: skip

FLOW = Workflow(
    model=Obstacle,
    rules=RULES,
    related=("pilot__proposal", "answerer_unit__parent"),
    refused=gettext_lazy("This action is not allowed while the obstacle is “%(status)s”."),
)
RAISING_STATES = (Pilot.Status.PLANNED, Pilot.Status.ACTIVE, Pilot.Status.SUSPENDED)


def _answer_due():
    return add_working_days(timezone.localdate(), rule("obstacle_answer_working_days"))


def _people_of(pilot: Pilot) -> set[int]:
    """Who carries the pilot out or proposed it: they never answer their own obstacle."""
    return (
        {pilot.proposal.author_id}
        | set(pilot.implementers.values_list("pk", flat=True))
        | set(pilot.proposal.co_implementers.values_list("pk", flat=True))
    )


def check_raise(*, actor: User, pilot: Pilot) -> None:
    """403 unless an implementer, then 409 unless the pilot runs: asked before the body is read."""
    ensure(permissions.can_raise(actor, pilot), _("Only an implementer raises an obstacle of the pilot."))
    if pilot.status not in RAISING_STATES:
        raise InvalidTransition(
            _("Obstacles are raised while the pilot runs, not while it is “%(status)s”.")
            % {"status": pilot.get_status_display()}
        )


@transaction.atomic
def obstacle_raise(
    *, actor: User, pilot: Pilot, kind: str, description: str, request: str,
    report: ProgressReport | None = None, file: IO[bytes] | None = None,
) -> Obstacle:  # fmt: skip
    """An implementer says what blocks the pilot and what is asked; the head of the directing
    unit answers within 5 working days (product rule)."""
    pilot = (
        Pilot.objects.select_for_update(of=("self",))
        .select_related("proposal", "directing_unit")
        .get(pk=pilot.pk)
    )
    check_raise(actor=actor, pilot=pilot)
    if kind not in Obstacle.Kind.values:
        raise IncompleteInput({"kind": _("Choose legal, resources, coordination or other.")})
    if report is not None and report.pilot_id != pilot.pk:
        raise IncompleteInput({"report": _("That report belongs to another pilot.")})
    answerer_unit, _moved = RoleAssignment.objects.first_unit_not_headed_by(
        pilot.directing_unit, _people_of(pilot)
    )
    obstacle = Obstacle(
        pilot=pilot, report=report, raised_by=actor, kind=kind, answer_due=_answer_due(),
        description=required_text(description, "description"), request=required_text(request, "request"),
        answerer_unit=answerer_unit,
    )  # fmt: skip
    FLOW.record(obstacle, action="raise", actor=actor)
    if file is not None:
        _attach(obstacle, file, actor=actor)
    _tell_answerer(obstacle, gettext_lazy("An obstacle of a pilot waits for your answer."))
    return obstacle


@transaction.atomic
def obstacle_answer(*, actor: User, obstacle: Obstacle, decision: str, note: str) -> Obstacle:
    """Support granted, adjustment started, or declined with reasons; the note says what."""
    obstacle, to_status = FLOW.begin(obstacle, actor=actor, action="answer")
    if decision not in Obstacle.Decision.values:
        raise IncompleteInput({"decision": _("Choose support granted, adjustment started or declined.")})
    now = timezone.now()
    obstacle.decision, obstacle.answer = decision, required_text(note, "note")
    obstacle.answered_by, obstacle.answered_at = actor, now
    obstacle.answered_on_time = timezone.localdate(now) <= obstacle.answer_due
    FLOW.record(obstacle, action="answer", actor=actor, to_status=to_status, note=obstacle.answer,
                params={"decision": decision})  # fmt: skip
    _tell_implementers(obstacle, gettext_lazy("The obstacle you raised has been answered."))
    return obstacle


@transaction.atomic
def obstacle_escalate(*, actor: User, obstacle: Obstacle, note: str) -> Obstacle:
    """Beyond this unit's authority: the head of the unit above answers, with a new clock."""
    obstacle, _stays = FLOW.begin(obstacle, actor=actor, action="escalate")
    note = required_text(note, "note")
    parent = obstacle.answerer_unit.parent
    if parent is None:
        raise DomainError(_("This unit has no unit above it to escalate to."))
    unit, _moved = RoleAssignment.objects.first_unit_not_headed_by(parent, _people_of(obstacle.pilot))
    before = obstacle.answerer_unit.code
    obstacle.answerer_unit, obstacle.answer_due = unit, _answer_due()
    obstacle.escalations += 1
    FLOW.record(obstacle, action="escalate", actor=actor, note=note, params={"from": before, "to": unit.code})
    _tell_answerer(obstacle, gettext_lazy("An obstacle has been escalated to you for an answer."))
    _tell_implementers(
        obstacle, gettext_lazy("The obstacle you raised has been escalated to the unit above.")
    )
    return obstacle


@transaction.atomic
def obstacle_confirm(*, actor: User, obstacle: Obstacle, cleared: bool, note: str = "") -> Obstacle:
    """The implementer says whether the answer cleared it; if not, it is open again and the same
    unit answers within 5 working days."""
    obstacle, _leads = FLOW.begin(obstacle, actor=actor, action="confirm")
    if cleared:
        obstacle.cleared_at = timezone.now()
        FLOW.record(
            obstacle, action="confirm", actor=actor, to_status=Obstacle.Status.CLEARED, note=note.strip()
        )
        _tell_answerer(obstacle, gettext_lazy("The implementer confirms the obstacle is cleared."))
        return obstacle
    obstacle.answer_due = _answer_due()
    obstacle.decision, obstacle.answered_on_time = "", None
    FLOW.record(obstacle, action="confirm", actor=actor, to_status=Obstacle.Status.OPEN, note=note.strip())
    _tell_answerer(
        obstacle,
        gettext_lazy("The implementer says the obstacle is not cleared; it waits for your answer again."),
    )
    return obstacle


@transaction.atomic
def obstacle_attach(
    *, actor: User, obstacle: Obstacle, file: IO[bytes], description: str = ""
) -> ObstacleAttachment:
    obstacle = FLOW.lock(obstacle)
    ensure(
        permissions.can_attach(actor, obstacle),
        _("Only the implementers and the answering head attach files."),
    )
    return _attach(obstacle, file, actor=actor, description=description)


def _attach(obstacle: Obstacle, file: IO[bytes], *, actor: User, description: str = "") -> ObstacleAttachment:
    attachment = ObstacleAttachment(obstacle=obstacle)
    store_upload(attachment, file, name=getattr(file, "name", ""), description=description, actor=actor)
    return attachment


def _tell_answerer(obstacle: Obstacle, headline) -> None:
    tell([RoleAssignment.objects.head_of(obstacle.answerer_unit)], "obstacle_event", obstacle,
         obstacle=obstacle, headline=headline)  # fmt: skip


def _tell_implementers(obstacle: Obstacle, headline) -> None:
    tell(obstacle.pilot.implementers.all(), "obstacle_event", obstacle, obstacle=obstacle, headline=headline)
