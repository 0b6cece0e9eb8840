"""Who may see and do what with a pilot; every view and API action loads through here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from pilots.models import Pilot
from portal import people
from portal.memo import once
from portal.models import RoleAssignment, User
from portal.permissions import covers, granted_q, has_role, load_visible, users_granted
from proposals.permissions import is_co_implementer


def get_pilot_for(user: User, pk: int, prefetch=None) -> Pilot:
    queryset = Pilot.objects.visible_to(user).for_list()
    return load_visible(user, prefetch(queryset) if prefetch else queryset, pk=pk)


def has_part_in(user: User, pilot: Pilot) -> bool:
    """The author, a co-implementer or an implementer: they never direct, inspect or evaluate it."""
    return (
        pilot.proposal.author_id == user.pk
        or is_implementer(user, pilot)
        or is_co_implementer(user, pilot.proposal)
    )


def involved_in(pilot: Pilot) -> set[int]:
    """Who has a part in the pilot (prefetched): nobody directs or evaluates their own work."""
    people = {pilot.proposal.author_id, *(person.pk for person in pilot.proposal.co_implementers.all())}
    return people | {person.pk for person in pilot.implementers.all()}


def is_head(user: User, pilot: Pilot) -> bool:
    """The head of the directing unit (the approving unit, or its superior when the approving
    head carries the pilot out) directs and evaluates the pilot — never their own."""
    return has_role(user, RoleAssignment.Role.HEAD, pilot.directing_unit) and not has_part_in(user, pilot)


def is_implementer(user: User, pilot: Pilot) -> bool:
    return once(("implementer", pilot.pk, user.pk), pilot.implementers.filter(pk=user.pk).exists)


def is_inspector(user: User, pilot: Pilot) -> bool:
    """An inspector over the pilot's unit, or one assigned to this pilot alone; never on a pilot
    of their own proposal or one they carry out."""
    if has_part_in(user, pilot):
        return False
    if covers(user, RoleAssignment.Role.INSPECTOR, pilot.unit):
        return True
    granted = Pilot.objects.filter(pk=pilot.pk).filter(granted_q(user, Pilot, "inspect_pilot"))
    return once(("granted inspect_pilot", pilot.pk, user.pk), granted.exists)


def can_create_for(user: User, proposal) -> bool:
    from proposals.permissions import is_reviewing_head

    return is_reviewing_head(user, proposal)


def can_attach(user: User, pilot: Pilot) -> bool:
    """Implementers attach evidence to reports; the head and inspectors attach their documents."""
    return is_implementer(user, pilot) or is_head(user, pilot) or is_inspector(user, pilot)


def can_assign_inspectors(user: User, pilot: Pilot) -> bool:
    """The head who directs the pilot, or an administrator."""
    return user.is_superuser or is_head(user, pilot)


def implementer_candidates(user: User, pk: int) -> QuerySet[User]:
    """Whom the approving head may give a pilot to carry out (`pk`: the proposal): the active
    people of the approving unit and the units below it."""
    from proposals.permissions import get_proposal_for

    proposal = get_proposal_for(user, pk)
    if not can_create_for(user, proposal):
        raise PermissionDenied
    return people.active_in(proposal.reviewer_unit or proposal.unit)


def inspector_candidates(user: User, pk: int) -> QuerySet[User]:
    """Whom the directing head may assign to inspect this pilot alone: the inspectors covering its
    unit and the active people of the directing unit's subtree — never someone with a part in the
    pilot, nor one who already inspects it."""
    pilot = get_pilot_for(user, pk)
    if not can_assign_inspectors(user, pilot):
        raise PermissionDenied
    involved = {pilot.proposal.author_id, *pilot.implementers.values_list("pk", flat=True)}
    involved |= set(pilot.proposal.co_implementers.values_list("pk", flat=True))
    involved |= {person.pk for person in users_granted(pilot, "inspect_pilot")}
    candidates = people.inspectors_covering(pilot.unit) | people.active_in(pilot.directing_unit)
    return candidates.exclude(pk__in=involved).distinct()
