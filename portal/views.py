"""Pages of the portal app: home ("my work"), notifications, units, error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_GET, require_POST

from portal import services, work
from portal.forms import MarkReadForm
from portal.models import RoleAssignment
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


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # Rendered without context processors: they query the database, which may be what failed.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
