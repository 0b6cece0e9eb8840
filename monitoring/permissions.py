"""Who may urge a unit and answer an urging; views and the API load urgings through here."""

from __future__ import annotations

from monitoring.models import Urging
from portal.models import RoleAssignment, Unit, User, path_prefix_q
from portal.permissions import covers, has_role, heads_above, load_visible, roles_held


def get_urging_for(user: User, pk: int) -> Urging:
    return load_visible(user, Urging.objects.visible_to(user).for_list(), pk=pk)


def may_urge(user: User, unit: Unit) -> bool:
    """Organisation Committee staff covering the unit, or the head of a unit above it."""
    return covers(user, RoleAssignment.Role.ORGCOM, unit) or heads_above(user, unit)


def is_unit_head(user: User, urging: Urging) -> bool:
    return has_role(user, RoleAssignment.Role.HEAD, urging.unit)


def may_report_on(user: User, unit: Unit) -> bool:
    """Organisation Committee staff covering the unit, and the heads over it (its own included)."""
    return covers(user, RoleAssignment.Role.ORGCOM, unit) or covers(user, RoleAssignment.Role.HEAD, unit)


def reportable_units(user: User):
    """The units a person reports on (`may_report_on`), as one query: the subtrees of their
    Organisation Committee and head roles."""
    reporting = (RoleAssignment.Role.ORGCOM, RoleAssignment.Role.HEAD)
    paths = [path for role, path in roles_held(user) if role in reporting]
    return Unit.objects.filter(path_prefix_q("path", paths))
