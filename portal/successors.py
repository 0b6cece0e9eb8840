"""What follows a unit when the organisation changes (the `organisation` app merges, splits and
moves units): each app registers its rows that are still open — they move to the successor unit on
the day, their deadlines untouched — while decided rows, and every history and transition row,
keep the unit they were decided in. This module knows no app; apps register in `ready()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

from portal.models import Unit

# A row's people who have a part in it: the decision its unit fields after the first name (who
# reviews, who directs) never falls to one of them — it goes up, as it was routed (Art. 7(4)).
Involved = Callable[[models.Model], set[int]]


@dataclass(frozen=True)
class Follower:
    model: type[models.Model]
    fields: tuple[str, ...]  # its unit fields that move
    still_open: Callable[[], Q]  # the rows that move (the others keep their unit)
    person: str  # whose new unit the row follows when its unit is split ("author_id")
    involved: Involved | None = None
    related: tuple[str, ...] = ()  # what `person` and `involved` read, joined
    prefetch: tuple[str, ...] = ()

    @property
    def decisions(self) -> tuple[str, ...]:
        """The unit fields that name who decides (routed past anyone involved)."""
        return self.fields[1:] if self.involved else ()

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def open_rows(self, units: list[Unit]) -> models.QuerySet:
        """The open rows that one of `fields` puts in one of `units`, oldest first."""
        in_units = Q()
        for name in self.fields:
            in_units |= Q(**{f"{name}__in": units})
        return (
            self.model._default_manager.filter(in_units)
            .filter(self.still_open())
            .select_related(*self.related)
            .prefetch_related(*self.prefetch)
            .order_by("pk")
        )


FOLLOWERS: dict[str, Follower] = {}

# How a unit closed into a successor hands everything over (the organisation app's merge),
# so that closing a unit from the admin is the same merge as a plan's.
Merge = Callable[..., Any]
_merge: list[Merge] = []


def follow(
    model: type[models.Model],
    *,
    fields: tuple[str, ...],
    still_open: Callable[[], Q],
    person: str,
    involved: Involved | None = None,
    related: tuple[str, ...] = (),
    prefetch: tuple[str, ...] = (),
) -> None:
    follower = Follower(model, fields, still_open, person, involved, related, prefetch)
    FOLLOWERS[follower.label] = follower


def followers() -> list[Follower]:
    return list(FOLLOWERS.values())


def on_merge(merge: Merge) -> None:
    _merge[:] = [merge]


def merge(*, actor, unit: Unit, successor: Unit, day) -> Any:
    """Close `unit` into `successor` on `day` with everything it holds (see `on_merge`)."""
    if not _merge:
        raise LookupError("no app hands a closed unit's records over (the organisation app)")
    return _merge[0](actor=actor, unit=unit, successor=successor, day=day)


def open_rows_of(unit: Unit) -> int:
    """How many open rows of every follower still lie in `unit`."""
    return sum(follower.open_rows([unit]).count() for follower in FOLLOWERS.values())
