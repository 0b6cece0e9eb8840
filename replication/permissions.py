"""Who may publish, adopt and institutionalise models."""

from __future__ import annotations

from pilots import permissions as pilot_permissions
from pilots.models import Pilot
from portal.models import RoleAssignment, Unit, User
from portal.permissions import covers, heads_above, load_visible, roles_of
from replication.models import InnovationModel, Institutionalisation


def get_model_for(user: User, pk: int) -> InnovationModel:
    """Published models are visible to every signed-in user."""
    queryset = InnovationModel.objects.for_list() if user.is_authenticated else InnovationModel.objects.none()
    return load_visible(user, queryset, pk=pk)


def get_institutionalisation_for(user: User, pk: int) -> Institutionalisation:
    queryset = (
        Institutionalisation.objects.for_list()
        if user.is_authenticated
        else Institutionalisation.objects.none()
    )
    return load_visible(user, queryset, pk=pk)


def can_publish(user: User, pilot: Pilot) -> bool:
    """The head of the approving unit, or Organisation Committee staff covering the pilot's unit."""
    return pilot_permissions.is_head(user, pilot) or covers(user, RoleAssignment.Role.ORGCOM, pilot.unit)


def can_adopt(user: User) -> bool:
    """A head, deputy or cadre with a unit of their own."""
    return user.unit_id is not None and any(role in ("head", "deputy", "cadre") for role in roles_of(user))


def can_institutionalise(user: User, unit: Unit) -> bool:
    """Organisation Committee staff covering the model's unit, or a head above it."""
    return covers(user, RoleAssignment.Role.ORGCOM, unit) or heads_above(user, unit)


def may_advance(user: User, item: Institutionalisation) -> bool:
    return can_institutionalise(user, item.model.unit)
