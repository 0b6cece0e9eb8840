"""Pages of the portal app: home ("my work"), notifications, units, error pages."""

from __future__ import annotations

import sys

from django import db
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from portal import people, services, work
from portal.forms import MarkReadForm
from portal.models import RoleAssignment
from portal.pagination import Paginator
from portal.permissions import get_unit_for, roles_of, visible_units


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "sections": work.sections_for(user),
        "roles": roles_of(user),
        "recent_notifications": user.notifications.filter(read_at__isnull=True)[:5],
    }
    return render(request, "portal/home.html", context)


@login_required
@require_GET
def work_count(request: HttpRequest) -> HttpResponse:
    """The number beside "My work" in the menu, fetched by htmx once a page has loaded, so that no
    page waits for every section to be counted."""
    return render(request, "portal/_work_count.html", {"count": work.waiting_count(request.user)})


@login_required
@require_GET
def people_search(request: HttpRequest) -> HttpResponse:
    """The people a picker's person may choose, matching what they typed (htmx fragment). The
    purpose and its record say whom: the app that registered the purpose checks that this person
    may choose for that record (403/404 otherwise)."""
    try:
        record = int(request.GET.get("id", ""))
    except ValueError:
        raise Http404 from None
    if not 0 < record < 2**63:
        raise Http404
    candidates = people.candidates_for(request.user, request.GET.get("for", ""), record)
    if candidates is None:
        raise Http404
    text = (request.GET.get("q") or request.GET.get(request.GET.get("field") or "q") or "")[:100]
    found = people.matching(candidates, text, limit=people.LIMIT + 1)
    context = {"people": found[: people.LIMIT], "more": len(found) > people.LIMIT, "limit": people.LIMIT,
               "searched": bool(text.strip())}  # fmt: skip
    return render(request, "portal/_people_results.html", context)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = request.user.notifications.all()
    if request.GET.get("unread") == "1":
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page})


@login_required
@require_POST
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    form = MarkReadForm(request.POST)
    if form.is_valid() and (form.cleaned_data["all"] or form.cleaned_data["notification"]):
        services.notifications_mark_read(
            user=request.user,
            notification_id=None if form.cleaned_data["all"] else form.cleaned_data["notification"],
        )
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications")


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    units = (
        visible_units(request.user)
        .select_related("parent")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return render(request, "portal/unit_list.html", {"units": units, "q": query})


@login_required
@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_unit_for(request.user, code)
    context = {
        "unit": unit,
        "children": visible_units(request.user).filter(parent=unit),
        "members": unit.members.filter(is_active=True).order_by("full_name"),
        "roles": RoleAssignment.objects.current()
        .filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__full_name"),
    }
    return render(request, "portal/unit_detail.html", context)


def _api_error(request, status: int) -> JsonResponse | None:
    """Under /api/ every error is JSON, in the caller's language (CONTRACT: errors)."""
    if not request.path.startswith("/api/"):
        return None
    details = {
        400: _("The request is malformed."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found."),
        500: _("The server could not complete the request; nothing was changed."),
    }
    return JsonResponse({"detail": str(details[status])}, status=status)


def favicon(request):
    """Browsers ask for /favicon.ico on their own: the portal's icon (pages link it too)."""
    from django.templatetags.static import static

    return redirect(static("img/favicon.svg"), permanent=True)


def error_405(request, allowed: list[str]):
    """A page opened with a method it does not take (a form's action URL opened again in the
    browser): a page that says so, with the Allow header, instead of an empty one."""
    response = render(request, "405.html", status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def error_400(request, exception=None):
    return _api_error(request, 400) or render(request, "400.html", status=400)


def error_403(request, exception=None):
    return _api_error(request, 403) or render(request, "403.html", status=403)


def error_404(request, exception=None):
    return _api_error(request, 404) or render(request, "404.html", status=404)


def error_500(request):
    """An error no view answered. The database gone away (a dropped connection, a restart) is not
    a fault of the request: 503 with Retry-After, and the next request connects afresh."""
    # Rendered without context processors: they query the database, which may be what failed.
    if isinstance(sys.exc_info()[1], (db.OperationalError, db.InterfaceError)):
        return _unavailable(request)
    return _api_error(request, 500) or HttpResponse(loader.get_template("500.html").render({}), status=500)


def _unavailable(request) -> HttpResponse:
    message = _("The portal cannot reach its database for a moment; nothing was changed. Try again shortly.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": str(message)}, status=503)
    else:
        page = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = "5"
    return response


def csrf_failure(request, reason=""):
    if request.path.startswith("/api/"):
        message = _("The CSRF check failed: send a token (Authorization: Token …) or the CSRF cookie.")
        return JsonResponse({"detail": str(message)}, status=403)
    return render(request, "403_csrf.html", status=403)


@csrf_exempt  # the API view it hands over to does its own CSRF check (DRF, session auth only)
def api_fallback(request, path: str = ""):
    """Any /api/ path no route matches: the same path with its trailing slash when that is an
    API route (so a client that forgets the slash still reaches it, whatever the method), or a
    JSON 404 — never the HTML page."""
    if not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_fallback:
            return match.func(request, *match.args, **match.kwargs)
    return _api_error(request, 404)
