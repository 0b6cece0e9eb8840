"""Texts the portal stores are a kind plus parameters, drawn in the reader's language when they
are shown (never a sentence frozen in the language of whoever acted). Apps register how each of
their kinds reads; `note_text` draws one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Render = Callable[[dict[str, Any]], str]

# note kind → how it reads, from its parameters (apps register theirs when their services load)
NOTE_KINDS: dict[str, Render] = {}


def note_kind(name: str) -> Callable[[Render], Render]:
    def register(render: Render) -> Render:
        NOTE_KINDS[name] = render
        return render

    return register


def note_text(kind: str, params: dict[str, Any] | None, note: str = "") -> str:
    """A note as its reader reads it: the portal's own words (`kind`) drawn in the active
    language from the parameters — `note` then holds only the wording at the time, kept as
    written — or else what the person wrote."""
    render = NOTE_KINDS.get(kind)
    return render(params or {}) if render else note
