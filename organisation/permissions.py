"""Who may change the organisation: administrators (as for units and roles, portal.services)."""

from __future__ import annotations

from typing import Any

from portal.models import RoleAssignment, User
from portal.permissions import roles_of


def can_reorganise(user: User, _reorganisation: Any = None) -> bool:
    return RoleAssignment.Role.ADMIN in roles_of(user)
