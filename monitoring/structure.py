"""The tree of units a report counts by. By default today's: a unit's subtree is its path prefix, and
a merged unit sits under its successor, so the successor's report counts what was decided in it.
Or the tree as it stood at the end of the period (`period_end`), read from the units' history: each
unit where it was then, under the name and code it had, and each record counted in the unit it
belonged to then — a record a reorganisation moved afterwards is counted where it was."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import IncompleteInput
from portal.models import PATH_STEP, Unit, User, path_prefix_q
from portal.permissions import visible_units

TODAY, PERIOD_END = "today", "period_end"
CHOICES = {
    TODAY: gettext_lazy("Today's structure of units"),
    PERIOD_END: gettext_lazy("The structure of units at the period's end"),
}


def structure_of(raw: str | None) -> str:
    """The structure asked for (`today` when left out); 400 for any other word."""
    if raw in (None, ""):
        return TODAY
    if raw not in CHOICES:
        raise IncompleteInput({"structure": _("Choose the structure: today or period_end.")})
    return raw


@dataclass(frozen=True)
class Branch:
    """A child unit of the report, as the structure has it: `unit` is the unit today (for links),
    `code` and `name` what it was called, `key` the value its rows are grouped by."""

    unit: Unit
    code: str
    name: str
    key: str


def unit_then(model: type[models.Model], until: datetime.datetime) -> Coalesce:
    """The unit a row of `model` belonged to just before `until`, from its history (its unit
    today when it has no history that old)."""
    history = model.history.model.objects.filter(id=OuterRef("pk"), history_date__lt=until)
    latest = history.order_by("-history_date", "-history_id").values("unit_id")[:1]
    return Coalesce(Subquery(latest), F("unit_id"), output_field=models.BigIntegerField())


class Today:
    """Today's tree: a subtree is a path prefix; the children are the units below today."""

    is_today = True

    def __init__(self, user: User, unit: Unit):
        self.user, self.unit = user, unit

    def within(self, field: str) -> Q:
        """Rows whose `field` (a unit foreign key: "unit", "pilot__unit") is in the subtree."""
        return path_prefix_q(f"{field}__path", [self.unit.path])

    def rows(self, queryset: models.QuerySet, field: str = "unit") -> models.QuerySet:
        return queryset.filter(self.within(field))

    @cached_property
    def branches(self) -> list[Branch]:
        children = visible_units(self.user).filter(parent=self.unit).order_by("path")
        return [Branch(child, child.code, child.name, child.path) for child in children]

    def branch(self) -> models.Expression:
        """What the grouped query groups a proposal by: the key of the child its unit lies under
        (the paths have a fixed width per level, so it is the path's prefix of one length)."""
        width = len(self.branches[0].key) if self.branches else 0
        return Substr("unit__path", 1, width) if width else Value("")

    def branch_of(self, grouped: str) -> str:
        return grouped


class AtPeriodEnd:
    """The tree as it stood at `until` (the end of the period's last day), from the units' history;
    the rows are those whose unit then lay in the report unit's subtree then."""

    is_today = False

    def __init__(self, user: User, unit: Unit, until: datetime.datetime):
        self.user, self.unit, self.until = user, unit, until
        self.then = {row.pk: row for row in Unit.history.as_of(until)}
        if unit.pk not in self.then:
            message = _("This unit did not exist yet at the end of the period: choose today's structure.")
            raise IncompleteInput({"structure": message})
        self.path = self.then[unit.pk].path

    @cached_property
    def unit_ids(self) -> list[int]:
        return sorted(pk for pk, row in self.then.items() if row.path.startswith(self.path))

    def rows(self, queryset: models.QuerySet, field: str = "unit") -> models.QuerySet:
        """The rows of `queryset` whose unit (`field` of its model, or of the model a foreign key
        leads to: "pilot__unit") was in the subtree then."""
        relation, _sep, _last = field.rpartition("__")
        if not relation:
            return queryset.alias(unit_then=unit_then(queryset.model, self.until)).filter(
                unit_then__in=self.unit_ids
            )
        related = queryset.model._meta.get_field(relation).related_model
        return queryset.filter(**{f"{relation}__in": self.rows(related.objects.all()).values("pk")})

    @cached_property
    def branches(self) -> list[Branch]:
        seen = set(visible_units(self.user).filter(pk__in=self.unit_ids).values_list("pk", flat=True))
        width = len(self.path) + PATH_STEP + 1
        children = sorted(
            (row for pk, row in self.then.items()
             if pk in seen and len(row.path) == width and row.path.startswith(self.path)),
            key=lambda row: row.path,
        )  # fmt: skip
        today = Unit.objects.in_bulk([row.pk for row in children])
        return [Branch(today[row.pk], row.code, row.name, row.path) for row in children]

    def branch(self) -> models.Expression:
        """What the grouped query groups a proposal by: its unit then (`branch_of` says under
        which child it lay) — the history read once per row, where a CASE would read it per child."""
        return F("unit_then")

    def branch_of(self, grouped: int) -> str:
        return self._child_of.get(grouped, "")

    @cached_property
    def _child_of(self) -> dict[int, str]:
        """Each unit of the subtree then → the key of the child it lay under."""
        return {
            pk: child.key
            for child in self.branches
            for pk, row in self.then.items()
            if row.path.startswith(child.key)
        }


def tree(user: User, unit: Unit, structure: str, until: datetime.datetime) -> Today | AtPeriodEnd:
    return AtPeriodEnd(user, unit, until) if structure == PERIOD_END else Today(user, unit)
