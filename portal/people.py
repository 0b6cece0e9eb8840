"""People pickers: find a person by name or username among those a form may choose from.

Each app registers a *purpose* (whom a form chooses: a pilot's implementers, a proposal's
co-implementers, a pilot's inspectors) as a function of the person choosing and the record it is
for, returning the people that may be chosen — or raising PermissionDenied / Http404 when that
person may not choose for that record. The search view (`people-search`) is one for all of them;
the service still checks whoever is finally submitted.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from portal.models import RoleAssignment, Unit, User
from portal.text import fold

Candidates = Callable[[User, int], QuerySet[User]]
_purposes: dict[str, Candidates] = {}

LIMIT = 10  # results shown for one search; the person types more to narrow them


def register(purpose: str, candidates: Candidates) -> None:
    _purposes[purpose] = candidates


def candidates_for(user: User, purpose: str, pk: int) -> QuerySet[User] | None:
    """Who `user` may choose for `purpose` on record `pk`; None for an unknown purpose."""
    finder = _purposes.get(purpose)
    return finder(user, pk) if finder else None


def matching(people: QuerySet[User], text: str, limit: int = LIMIT) -> list[User]:
    """The first people whose name or username holds every word typed, with or without
    diacritics ("nguyen an" finds "Nguyễn Văn An"); nobody for an empty search."""
    words = fold(text).split()[:5]
    if not words:
        return []
    query = Q()
    for word in words:
        query &= Q(search_text__contains=word)
    return list(people.filter(query).select_related("unit").order_by("search_text", "pk")[:limit])


def active_in(unit: Unit) -> QuerySet[User]:
    """The active people of a unit and of every unit below it."""
    return User.objects.filter(is_active=True, unit__path__startswith=unit.path)


def inspectors_covering(unit: Unit) -> QuerySet[User]:
    """The active people holding a current inspector's role over the unit (in it or above it)."""
    holders = RoleAssignment.objects.current().filter(
        role=RoleAssignment.Role.INSPECTOR, unit__path__in=unit.ancestor_paths()
    )
    return User.objects.filter(is_active=True, pk__in=holders.values("user_id"))
