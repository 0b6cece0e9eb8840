"""The permission gate: who can see what.

Visibility is by unit subtree first (a person's own unit; the subtrees below the units where
they are head, deputy, inspector or Organisation Committee staff), plus guardian's per-object
grants for single exceptions. This is the only module that calls guardian (models declare their
direct foreign-key permission tables on guardian's base classes, and never grant or read them).

Loaders 404 what a user may not see (no existence leak) and 403 what they may see but not do.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from guardian.shortcuts import assign_perm, remove_perm

from portal.memo import once
from portal.models import RoleAssignment, Unit, User, path_prefix_q

__all__ = [
    "can_manage_unit",
    "covers",
    "get_unit_for",
    "grant",
    "granted_ids",
    "granted_q",
    "has_role",
    "heads_above",
    "ids_of",
    "require",
    "revoke",
    "roles_held",
    "roles_of",
    "scope_paths",
    "scope_unit_ids",
    "users_granted",
    "visible_q",
    "visible_units",
]

M = TypeVar("M", bound=models.Model)


def _roles(user: User) -> list[tuple[str, str | None]]:
    """(role, unit path) for each current role; cached on the user object for the request."""
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.current().filter(user=user).values_list("role", "unit__path"))
        user._portal_roles = cached
    return cached


def roles_held(user: User) -> list[tuple[str, str]]:
    """(role, unit path) of each current role that has a unit."""
    if not user.is_authenticated:
        return []
    return [(role, path) for role, path in _roles(user) if path]


def heads_above(user: User, unit: Unit) -> bool:
    """Whether the user heads a unit strictly above `unit` (not `unit` itself)."""
    return any(
        role == RoleAssignment.Role.HEAD and unit.path.startswith(path) and unit.path != path
        for role, path in roles_held(user)
    )


def covers(user: User, role: str, unit: Unit) -> bool:
    """Whether the user holds `role` over a unit at or above `unit` (a subtree scope)."""
    if not user.is_authenticated:
        return False
    return any(r == role and path and unit.path.startswith(path) for r, path in _roles(user))


def roles_of(user: User) -> list[str]:
    """The role codes a person holds now, in a stable order (see RoleAssignment.Role)."""
    if not user.is_authenticated:
        return []
    held = {role for role, _path in _roles(user)}
    if user.is_superuser:
        held.add(RoleAssignment.Role.ADMIN)
    return [code for code in RoleAssignment.Role.values if code in held]


def has_role(user: User, role: str, unit: Unit | None = None) -> bool:
    """Whether the user holds `role`; with `unit`, for exactly that unit."""
    if not user.is_authenticated:
        return False
    return any(r == role and (unit is None or path == unit.path) for r, path in _roles(user))


def scope_paths(user: User) -> list[str]:
    """Unit paths whose whole subtree the user sees."""
    if not user.is_authenticated:
        return []
    return sorted({path for role, path in _roles(user) if role in RoleAssignment.SUBTREE_ROLES and path})


def scope_unit_ids(user: User) -> list[int] | None:
    """Ids of the units in the subtrees the user covers, or None when that is every unit (a
    national scope: no filter at all). Lists filter on these ids as literal values rather
    than on a join with the units' paths: the planner then knows how many rows a scope holds
    and can read a small scope from the unit's index and a wide one in the list's order,
    stopping at the page (a join or subquery ORed with the person's own work makes it read
    the whole table)."""
    paths = scope_paths(user)
    if not paths:
        return []

    def ids() -> list[int] | None:
        covered = path_prefix_q("path", paths)
        if not Unit.objects.exclude(covered).exists():
            return None
        return list(Unit.objects.filter(covered).values_list("pk", flat=True))

    return once(("scope_unit_ids", *paths), ids)


def visible_units(user: User):
    """Units the user may see: own unit, the subtrees they cover, and single grants."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.filter(visible_q(user, unit_field="", model=Unit))


def visible_q(user: User, *, unit_field: str, model: type[models.Model], owner_field: str = "") -> Q:
    """A filter for `model` rows the user may see.

    `unit_field` is the path to the row's unit ("" for Unit itself, "unit" for a proposal);
    `owner_field` names a user foreign key whose owner always sees the row. Per-object grants
    of `view_<model>` are added through the model's direct foreign-key permission table.
    """
    prefix = f"{unit_field}__" if unit_field else ""
    query = path_prefix_q(f"{prefix}path", scope_paths(user))
    if owner_field:
        query |= Q(**{owner_field: user})
    if model._meta.model_name == "unit" and user.unit_id:
        query |= Q(pk=user.unit_id)
    query |= granted_q(user, model, f"view_{model._meta.model_name}")
    return query


def _direct_tables(model: type[models.Model]) -> tuple[type[models.Model], type[models.Model]]:
    """The user and group direct foreign-key permission models of `model`."""
    user_table = group_table = None
    for related in model._meta.related_objects:
        related_model = related.related_model
        if issubclass(related_model, UserObjectPermissionBase):
            user_table = related_model
        elif issubclass(related_model, GroupObjectPermissionBase):
            group_table = related_model
    if user_table is None or group_table is None:
        raise LookupError(f"{model.__name__} has no direct foreign-key permission models")
    return user_table, group_table


def granted_q(user: User, model: type[models.Model], codename: str, pk_field: str = "pk") -> Q:
    """Rows of `model` on which the user (or one of their groups) holds `codename` through a
    per-object grant, as two indexed subqueries on the direct tables (not guardian's
    object-list shortcut, which scans every grant)."""
    user_table, group_table = _direct_tables(model)
    by_user = user_table.objects.filter(user=user, permission__codename=codename)
    by_group = group_table.objects.filter(group__user=user, permission__codename=codename)
    return Q(**{f"{pk_field}__in": by_user.values("content_object")}) | Q(
        **{f"{pk_field}__in": by_group.values("content_object")}
    )


def granted_ids(
    user: User, model: type[models.Model], codename: str, covered: Q | None = None
) -> models.QuerySet:
    """The ids of the rows of `model` granted to the user (or one of their groups) by
    `codename`, as one query (`list()` it to match them as literal values, see
    `scope_unit_ids`; or pass it to `ids_of`). `covered` (a filter on the rows) leaves out the
    rows the person sees anyway: an inspector's thousands of grants inside the province they
    cover would otherwise be matched one by one."""
    user_table, group_table = _direct_tables(model)
    by_user = user_table.objects.filter(user=user, permission__codename=codename)
    by_group = group_table.objects.filter(group__user=user, permission__codename=codename)
    if covered is not None:
        prefixed = _prefixed(covered, "content_object__")
        by_user, by_group = by_user.exclude(prefixed), by_group.exclude(prefixed)
    return (
        by_user.values_list("content_object_id", flat=True)
        .order_by()
        .union(by_group.values_list("content_object_id", flat=True).order_by())
    )


def _prefixed(query: Q, prefix: str) -> Q:
    """`query` with each lookup read through the relation `prefix`."""
    prefixed = Q()
    prefixed.connector, prefixed.negated = query.connector, query.negated
    prefixed.children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
        for child in query.children
    ]
    return prefixed


def ids_of(*querysets: models.QuerySet) -> list[int]:
    """The union of single-column querysets of ids, in one query."""
    first, *rest = (queryset.order_by() for queryset in querysets)  # a compound query has one order
    return list(first.union(*rest)) if rest else list(first)


def grant(user_or_group, codename: str, obj: models.Model) -> None:
    """Give a single object to a person or group (an inspector on one pilot, a co-implementer)."""
    assign_perm(f"{obj._meta.app_label}.{codename}", user_or_group, obj)


def revoke(user_or_group, codename: str, obj: models.Model) -> None:
    remove_perm(f"{obj._meta.app_label}.{codename}", user_or_group, obj)


def users_granted(obj: models.Model, codename: str) -> list[User]:
    """The people holding `codename` on this one object through a direct grant, by name."""
    user_table, _group_table = _direct_tables(type(obj))
    granted = user_table.objects.filter(content_object=obj, permission__codename=codename)
    return list(User.objects.filter(pk__in=granted.values("user")).order_by("full_name", "username"))


def load_visible(user: User, queryset: models.QuerySet[M], **lookup) -> M:
    """Fetch one row from an already-filtered visible queryset, or 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def require(allowed: bool, message: str = "") -> None:
    """403 for what a user may see but not do."""
    if not allowed:
        raise PermissionDenied(message)


# --- Units ---------------------------------------------------------------------------------


def get_unit_for(user: User, code: str) -> Unit:
    return load_visible(user, visible_units(user).select_related("parent"), code=code)


def can_manage_unit(user: User, unit: Unit) -> bool:
    """Heads act for their unit and the units below it."""
    return covers(user, "head", unit)
