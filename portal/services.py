"""Services that change organisation data: each checks permission, saves with a history reason
and notifies after commit. Views, the admin and the API call these, never the models directly."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import DomainError, NotAllowed
from portal.models import Notification, RoleAssignment, Unit, User
from portal.notifications import notify
from portal.permissions import roles_of


def _require_admin(actor: User) -> None:
    if RoleAssignment.Role.ADMIN not in roles_of(actor):
        raise NotAllowed(_("Only an administrator can change the organisation."))


@transaction.atomic
def role_assign(
    *,
    actor: User,
    user: User,
    role: str,
    unit: Unit | None,
    started_on: datetime.date | None = None,
    note: str = "",
) -> RoleAssignment:
    """Give `user` a role in (or over) `unit`; a unit has one head at a time."""
    _require_admin(actor)
    if role not in RoleAssignment.Role.values:
        raise DomainError(_("Unknown role."))
    if role != RoleAssignment.Role.ADMIN and unit is None:
        raise DomainError(_("Every role but administrator needs a unit."))
    if unit is not None and not unit.is_open:
        raise DomainError(_("The unit is closed; assign the role in its successor."))
    assignment = RoleAssignment(
        user=user,
        role=role,
        unit=unit,
        started_on=started_on or timezone.localdate(),
        note=note,
    )
    assignment._change_reason = f"role assigned by {actor.username}"
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise DomainError(_("This unit already has a head; end that role first.")) from None
    notify(user, "role_assigned", assignment, {"assignment": assignment, "url": "/"})
    return assignment


@transaction.atomic
def role_end(
    *, actor: User, assignment: RoleAssignment, ended_on: datetime.date | None = None
) -> RoleAssignment:
    """End a role; the row stays, so what the person did in it stays attributable."""
    _require_admin(actor)
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_on is not None:
        raise DomainError(_("This role has already ended."))
    ended_on = ended_on or timezone.localdate()
    if ended_on < assignment.started_on:
        raise DomainError(_("A role cannot end before it starts."))
    assignment.ended_on = ended_on
    assignment._change_reason = f"role ended by {actor.username}"
    assignment.save()
    return assignment


@transaction.atomic
def unit_close(
    *, actor: User, unit: Unit, successor: Unit | None, closed_on: datetime.date | None = None
) -> Unit:
    """Close a unit (e.g. merged in the 2025 reform). With a successor it is a merge: its people,
    its open records and its units below go to the successor and its roles end (the organisation
    app's reorganisation, portal.successors). Without one, only a unit with nothing open closes."""
    from portal import successors as handover

    _require_admin(actor)
    # Lock the unit so two administrators closing it at once cannot both pass the checks.
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.closed_on is not None:
        raise DomainError(_("This unit is already closed."))
    day = closed_on or timezone.localdate()
    if successor is not None:
        if successor.pk == unit.pk or successor.path.startswith(unit.path):
            raise DomainError(_("The successor cannot be the unit itself or a unit below it."))
        if not successor.is_open:
            raise DomainError(_("The successor unit is closed too."))
        handover.merge(actor=actor, unit=unit, successor=successor, day=day)
        unit.refresh_from_db()
        return unit
    if unit.children.filter(closed_on__isnull=True).exists():
        raise DomainError(_("Close or move the open units below this one first."))
    if unit.members.exists() or handover.open_rows_of(unit):
        raise DomainError(
            _("This unit still has people or open records: name the unit that takes them over.")
        )
    for role in RoleAssignment.objects.filter(unit=unit).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    ):
        role.ended_on = max(day, role.started_on)
        role._change_reason = f"unit closed by {actor.username}"
        role.save()
    unit.closed_on = day
    unit._change_reason = f"closed by {actor.username}"
    unit.save()
    return unit


def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the person's own notifications (or all, without an id) as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    now = timezone.now()
    count = 0
    for notification in unread:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
        count += 1
    return count


@transaction.atomic
def calendar_withdraw(*, actor: User, correction, reason: str):
    """Withdraw a calendar correction with the reason: the row stays (deadlines were counted with
    it) and the working calendar no longer uses it from now on."""
    from portal.models import CalendarDay
    from portal.workflow import required_text

    _require_admin(actor)
    correction = CalendarDay.objects.select_for_update().get(pk=correction.pk)
    if correction.withdrawn_at is not None:
        raise DomainError(_("This correction has already been withdrawn."))
    correction.withdrawn_reason = required_text(reason, "withdrawn_reason")
    correction.withdrawn_at = timezone.now()
    correction._change_reason = f"withdrawn by {actor.username}"
    correction.save()
    return correction
