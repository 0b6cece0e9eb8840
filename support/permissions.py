"""Who may see and do what with an obstacle; views and the API load obstacles through here."""

from __future__ import annotations

from pilots import permissions as pilot_permissions
from portal.models import RoleAssignment, User
from portal.permissions import has_role, load_visible
from support.models import Obstacle, ObstacleAttachment


def get_obstacle_for(user: User, pk: int) -> Obstacle:
    return load_visible(user, Obstacle.objects.visible_to(user).for_list(), pk=pk)


def get_attachment_for(user: User, obstacle_pk: int, pk: int) -> ObstacleAttachment:
    obstacle = get_obstacle_for(user, obstacle_pk)
    return load_visible(user, obstacle.attachments.all(), pk=pk)


def can_raise(user: User, pilot) -> bool:
    """An implementer of the pilot."""
    return pilot_permissions.is_implementer(user, pilot)


def is_answerer(user: User, obstacle: Obstacle) -> bool:
    """The head of the unit that must answer — never someone who carries the pilot out."""
    return has_role(user, RoleAssignment.Role.HEAD, obstacle.answerer_unit) and not (
        pilot_permissions.has_part_in(user, obstacle.pilot)
    )


def can_confirm(user: User, obstacle: Obstacle) -> bool:
    return pilot_permissions.is_implementer(user, obstacle.pilot)


def can_attach(user: User, obstacle: Obstacle) -> bool:
    return can_confirm(user, obstacle) or is_answerer(user, obstacle)
