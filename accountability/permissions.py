"""Who may see and do what with an accountability case; every view and API action loads cases
through `get_case_for` (404 for what the user may not see)."""

from __future__ import annotations

from accountability.models import Case, CaseAttachment
from portal.models import RoleAssignment, Unit, User
from portal.permissions import covers, has_role, load_visible


def get_case_for(user: User, pk: int) -> Case:
    return load_visible(user, Case.objects.visible_to(user).for_list(), pk=pk)


def get_attachment_for(user: User, case_pk: int, pk: int) -> CaseAttachment:
    case = get_case_for(user, case_pk)
    return load_visible(user, case.attachments.all(), pk=pk)


def is_subject(user: User, case: Case) -> bool:
    return case.subject_id == user.pk


def determining_unit(case: Case) -> Unit:
    """Who determines: for an outcome case the approving unit, or its superior when the subject
    heads it (nobody determines a case about themselves); for abuse or obstruction, the unit
    above the subject's unit."""
    if case.kind == Case.Kind.OUTCOME:
        unit, _moved = RoleAssignment.objects.first_unit_not_headed_by(
            case.proposal.reviewer_unit, {case.subject_id}
        )
        return unit
    return case.unit.parent or case.unit


def deciding_unit(case: Case) -> Unit:
    """Who decides relief or an outcome case's referral: the superior of the approving unit."""
    unit = case.proposal.reviewer_unit
    return unit.parent or unit


def can_review(user: User, case: Case) -> bool:
    """An inspector covering the case's unit, never about themselves."""
    return not is_subject(user, case) and covers(user, RoleAssignment.Role.INSPECTOR, case.unit)


def can_determine(user: User, case: Case) -> bool:
    return not is_subject(user, case) and has_role(user, RoleAssignment.Role.HEAD, determining_unit(case))


def can_decide_relief(user: User, case: Case) -> bool:
    return not is_subject(user, case) and has_role(user, RoleAssignment.Role.HEAD, deciding_unit(case))


def can_record_referral_outcome(user: User, case: Case) -> bool:
    if case.kind == Case.Kind.OUTCOME:
        return can_decide_relief(user, case)
    if case.determined_by_id is None:  # not determined yet: the head who will determine it (then 409)
        return can_determine(user, case)
    return case.determined_by_id == user.pk


def can_explain(user: User, case: Case) -> bool:
    return is_subject(user, case)


def may_report(user: User) -> bool:
    """Whether the person reports abuse or obstruction anywhere (an inspector or a head)."""
    return has_role(user, RoleAssignment.Role.INSPECTOR) or has_role(user, RoleAssignment.Role.HEAD)


def can_open(user: User, subject_unit: Unit) -> bool:
    """An inspector covering the subject's unit, or a head at or above it, may report abuse or
    obstruction."""
    return covers(user, RoleAssignment.Role.INSPECTOR, subject_unit) or covers(
        user, RoleAssignment.Role.HEAD, subject_unit
    )


def sees_reporter(user: User, case: Case) -> bool:
    """Whoever reported abuse or obstruction stays anonymous to the accused."""
    return not is_subject(user, case)


def hidden_actor_id(user: User, case: Case) -> int | None:
    """The person whose name this reader must not see on any step: for the subject of a report,
    whoever made it — also when the reporter later reviews or determines it. (An outcome case is
    opened by the evaluation, whose author the subject knows.)"""
    return case.opened_by_id if case.is_confidential and not sees_reporter(user, case) else None


def acting_unit(case: Case) -> Unit:
    """The unit whose head must act next on the case."""
    if case.status == Case.Status.OPEN or (case.status == Case.Status.REFERRED and case.is_confidential):
        return determining_unit(case)
    return deciding_unit(case)


def next_actor(case: Case) -> User | None:
    """Who must act next: the determining head, then the head who decides relief or the
    referral's outcome (for abuse or obstruction, the head who determined it); nobody once
    the case is closed."""
    if case.status not in (Case.Status.OPEN, Case.Status.RELIEF_RECOMMENDED, Case.Status.REFERRED):
        return None
    if case.status == Case.Status.REFERRED and case.is_confidential:
        person = case.determined_by
    else:
        person = RoleAssignment.objects.head_of(acting_unit(case))
    return person if person is not None and person.is_active and person.pk != case.subject_id else None
