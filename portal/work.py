"""The "my work" home page: each app registers a section that lists what waits for a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from portal.models import User


@dataclass
class WorkSection:
    title: str
    template: str
    items: list[Any] = field(default_factory=list)
    empty_text: str = ""

    def __bool__(self) -> bool:
        return bool(self.items)


SectionBuilder = Callable[[User], WorkSection | None]
_builders: list[SectionBuilder] = []


def register(builder: SectionBuilder) -> SectionBuilder:
    if builder not in _builders:
        _builders.append(builder)
    return builder


def sections_for(user: User) -> list[WorkSection]:
    """Non-empty sections for `user`, in registration order."""
    sections = (builder(user) for builder in _builders)
    return [section for section in sections if section]
