"""The "my work" home page: each app registers a section that lists what waits for a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Window

from portal.models import User


@dataclass
class WorkSection:
    title: str
    template: str
    items: list[Any] = field(default_factory=list)
    empty_text: str = ""
    count: int | None = None  # how many wait in all; the page lists the first of them

    def __post_init__(self) -> None:
        if self.count is None:
            self.count = len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    @classmethod
    def first_of(cls, queryset: QuerySet, *, title: str, template: str, limit: int = 10) -> WorkSection:
        """The first `limit` rows of what waits, and how many wait in all — in the same query, as a
        window count over every row before the limit (`COUNT(*) OVER ()`)."""
        items = list(queryset.annotate(waiting_in_all=Window(Count("pk")))[:limit])
        return cls(title=title, template=template, items=items, count=items[0].waiting_in_all if items else 0)


SectionBuilder = Callable[[User], WorkSection | None]
_builders: list[SectionBuilder] = []


def register(builder: SectionBuilder) -> SectionBuilder:
    if builder not in _builders:
        _builders.append(builder)
    return builder


def waiting_count(user: User) -> int:
    """How many things wait for the person in all: the number beside "My work" in the menu."""
    return sum(section.count for section in sections_for(user))


def sections_for(user: User) -> list[WorkSection]:
    """Non-empty sections for `user`, in registration order."""
    sections = (builder(user) for builder in _builders)
    return [section for section in sections if section]
