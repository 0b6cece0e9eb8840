"""Between the two steps of signing in (a password or the single sign-on, then the second factor):
the person waits in the session as "pending", not yet signed in (portal.sign_in finishes it)."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from portal.models import User

PENDING = "pending_sign_in"


def pend(request: HttpRequest, user: User, step: str, *, next_url: str) -> HttpResponse:
    """The first step is done (a password, or the single sign-on): the person waits in the
    session for the second factor's step, not yet signed in."""
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(), "next": next_url}
    return redirect(step)
