"""Answers that stay true for the length of one reading request, worked out once in it.

A page asks the same questions many times (is this person an implementer of this pilot? which
units does their scope hold?); each answer is a query. During a GET or HEAD request (nothing
is written) `once` keeps the first answer for the rest of the request; outside one — a
form's POST, a service, a task, a test — every call asks the database again."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_answers: ContextVar[dict[Hashable, object] | None] = ContextVar("portal_memo", default=None)
READING = ("GET", "HEAD")


def once(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, asked once per reading request for each `key`."""
    answers = _answers.get()
    if answers is None:
        return compute()
    if key not in answers:
        answers[key] = compute()
    return answers[key]  # type: ignore[return-value]


class ReadingRequestMemo:
    """Middleware: a fresh memo for each GET and HEAD request, dropped when it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READING:
            return self.get_response(request)
        token = _answers.set({})
        try:
            return self.get_response(request)
        finally:
            _answers.reset(token)
