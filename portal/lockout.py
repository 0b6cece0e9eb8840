"""The answer to a locked-out sign-in (django-axes, issue "Trust", defect 3; CONTRACT: "429 or
403 with the wait, in words"): 429 with how long to wait — JSON under /api/, a page otherwise —
in the reader's language."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def wait_in_words() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return ngettext(
        "Too many failed sign-ins: try again in %(minutes)d minute.",
        "Too many failed sign-ins: try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def locked_out(request, credentials=None, *args, **kwargs):
    message = wait_in_words()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message, "title": _("Sign-in locked")},
                  status=429)  # fmt: skip
