"""Who may record a reward and read a cadre's innovation record."""

from __future__ import annotations

from django.http import Http404

from pilots import permissions as pilot_permissions
from pilots.models import Pilot
from portal.models import RoleAssignment, User
from portal.permissions import covers


def can_reward(user: User, pilot: Pilot) -> bool:
    """The head of the approving unit (of the directing unit when that head carries the pilot
    out): never for a pilot they have a part in."""
    return pilot_permissions.is_head(user, pilot)


def may_read_record(user: User, person: User) -> bool:
    """The person, the heads over their unit and Organisation Committee staff covering it."""
    if user.pk == person.pk or user.is_superuser:
        return True
    if person.unit is None:
        return False
    return covers(user, RoleAssignment.Role.HEAD, person.unit) or covers(
        user, RoleAssignment.Role.ORGCOM, person.unit
    )


def get_person_for(user: User, username: str) -> User:
    person = User.objects.select_related("unit").filter(username=username[:150]).first()
    if person is None or not may_read_record(user, person):
        raise Http404
    return person
