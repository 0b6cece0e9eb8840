"""Báo cáo, thống kê: the report page (a unit picked over the tree, a period, the figures as
tables and charts, the deadline compliance, the breakdown by child unit), the list behind each
number, and the downloads prepared in the background ("my downloads", kept 7 days)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from monitoring import drilldown, exports, permissions, services
from monitoring.models import ExportJob, ReportSnapshot
from monitoring.sources import Sources, drill, reachable, within_reach
from monitoring.structure import CHOICES, TODAY, structure_of
from monitoring.summary import CHILD_FIGURES, compliance, summary
from pilots.models import Pilot
from portal.errors import IncompleteInput, NotAllowed
from portal.filetypes import download
from portal.models import RoleAssignment, Unit
from portal.permissions import covers
from portal.routers import reading_reports
from portal.text import fold
from proposals.models import Proposal

PAGE_SIZE = 25
PICKER_SIZE = 20


def _period(request: HttpRequest) -> tuple[str, datetime.date, datetime.date]:
    """The period picked: this half-year (default), this year, last year, or custom dates."""
    today = timezone.localdate()
    choice = request.GET.get("period", "half")
    if choice == "year":
        return choice, datetime.date(today.year, 1, 1), today
    if choice == "last_year":
        return choice, datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    if choice == "custom":
        try:
            start = datetime.datetime.strptime(request.GET.get("from", ""), "%d/%m/%Y").date()
            end = datetime.datetime.strptime(request.GET.get("to", ""), "%d/%m/%Y").date()
        except ValueError:
            messages.error(request, _("Give the dates as dd/mm/yyyy."))
        else:
            if not (within_reach(start) and within_reach(end)):
                messages.error(request, _("Give a date between 1945 and 2099."))
            elif start <= end:
                return choice, start, end
            else:
                messages.error(request, _("The period cannot end before it starts."))
    start = datetime.date(today.year, 1 if today.month <= 6 else 7, 1)
    return "half", start, today


def _iso_period(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    """`from` and `to` as ISO dates (the links of the report page); 400 when unreadable."""
    try:
        start, end = (datetime.date.fromisoformat(request.GET.get(name, "")) for name in ("from", "to"))
    except ValueError:
        raise IncompleteInput({"from": _("Give the period as two dates.")}) from None
    reachable(start, "from")
    reachable(end, "from")
    if end < start:
        raise IncompleteInput({"to": _("The period cannot end before it starts.")})
    return start, end


def _units(request: HttpRequest):
    units = permissions.reportable_units(request.user).order_by("path")
    if not units.exists():
        raise PermissionDenied(_("Only Organisation Committee staff and heads run reports."))
    return units


def _unit(request: HttpRequest, units) -> Unit:
    """The unit asked for among those the person reports on; 404 for another one."""
    found = units.filter(code=request.GET.get("unit", "")[:32]).first()
    if found is None:
        raise Http404(_("No unit you report on has this code."))
    return found


def _charts(figures: dict, sections: list) -> list[dict]:
    """One chart per section of the summary (a bar per figure); the tables give the same numbers."""
    by_status = {"proposals": (Proposal.Status, figures["proposals"]["by_status"]),
                 "pilots": (Pilot.Status, figures["pilots"]["by_status"])}  # fmt: skip
    charts = [
        {
            "id": f"chart-{key}",
            "title": title,
            "rows": [[str(label), found[code]] for code, label in choices.choices],
        }
        for key, (choices, found), title in (
            (key, by_status[key], title) for key, title, _rows in sections if key in by_status
        )
    ]
    for key, title, rows in sections:
        if key not in by_status:
            numbers = [[label, number] for label, number, _figure in rows if isinstance(number, int)]
            charts.append({"id": f"chart-{key}", "title": title, "rows": numbers})
    return charts


@login_required
@require_GET
@reading_reports()
def report_page(request: HttpRequest) -> HttpResponse:
    """The summary of a unit the person reports on, as tables and charts, with its links."""
    units = _units(request)
    unit = units.filter(code=request.GET.get("unit", "")[:32]).first()
    if unit is None:
        if request.GET.get("unit"):
            messages.error(request, _("No unit you report on has this code; the first one is shown."))
        unit = units.first()
    choice, start, end = _period(request)
    sources = _sources(request, unit, start, end)
    figures = summary(request.user, unit, start, end, sources)
    deadlines = compliance(request.user, unit, start, end, sources)
    query = urlencode({"unit": unit.code, "from": start.isoformat(), "to": end.isoformat(), **_kept(sources)})
    sections = exports.sections(figures, links=True)
    total = sum(figures["proposals"]["by_status"].values())
    context = {
        "unit": unit, "picker": _picked(units, unit), "choice": choice, "start": start, "end": end,
        "structure": sources.structure, "structures": list(CHOICES.items()),
        "kept": urlencode(_kept(sources)),
        "figures": figures, "sections": sections, "charts": _charts(figures, sections), "query": query,
        "compliance": exports.compliance_rows(deadlines), "compliance_labels": exports.compliance_labels(),
        "background": total > settings.PORTAL_EXPORT_INLINE_MAX,
        "children_figures": list(CHILD_FIGURES.items()),
        "children_columns": [(_("Name"), False), (_("Proposals"), True), (_("approved"), True),
                             (_("Pilots"), True), (_("Overdue"), True)],
        "snapshots": ReportSnapshot.objects.filter(unit=unit)[:20],
        "may_freeze": covers(request.user, RoleAssignment.Role.ORGCOM, unit),
        "freezable": _freezable(),
    }  # fmt: skip
    return render(request, "monitoring/report.html", context)


def _freezable() -> list[tuple[str, str]]:
    """The periods a report may be frozen for: the half-years and years of this year and the last
    two, the latest first (value as the API takes it, label as a person reads it)."""
    year = timezone.localdate().year
    found = []
    for y in range(year, year - 3, -1):
        found += [(f"{y}-H2", _("Second half of %(year)s") % {"year": y}),
                  (f"{y}-H1", _("First half of %(year)s") % {"year": y}),
                  (str(y), _("Year %(year)s") % {"year": y})]  # fmt: skip
    return found


@login_required
@require_http_methods(["POST"])
def freeze(request: HttpRequest) -> HttpResponse:
    """Organisation Committee staff freeze a unit's periodic report (as `POST /api/v1/reports/
    snapshots/`): its figures, files and fingerprint kept as they are today."""
    unit, period = _unit_posted(request), request.POST.get("period", "")[:16]
    try:
        snapshot = services.snapshot_freeze(actor=request.user, unit=unit, period=period)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from None
    except IncompleteInput as error:
        messages.error(request, " ".join(str(message) for message in error.errors.values()))
    else:
        messages.success(request, _("The report for %(period)s is frozen.") % {"period": snapshot.period})
    return redirect(f"{reverse('report')}?{urlencode({'unit': unit.code})}")


def _unit_posted(request: HttpRequest) -> Unit:
    found = _units(request).filter(code=request.POST.get("unit", "")[:32]).first()
    if found is None:
        raise Http404(_("No unit you report on has this code."))
    return found


def _sources(request: HttpRequest, unit: Unit, start: datetime.date, end: datetime.date) -> Sources:
    """The report's sources in the structure asked for; today's, with the reason, when that
    cannot be (an unknown word, a unit that did not exist at the period's end)."""
    try:
        sources = Sources(
            request.user, unit, start, end, structure=structure_of(request.GET.get("structure"))
        )
        sources.tree  # noqa: B018 - read now, so that a unit unborn at the period's end falls back here
    except IncompleteInput as error:
        messages.error(request, " ".join(str(message) for message in error.errors.values()))
        return Sources(request.user, unit, start, end)
    return sources


def _kept(sources: Sources) -> dict[str, str]:
    """The query parameter that keeps a structure other than today's on the page's links."""
    return {} if sources.structure == TODAY else {"structure": sources.structure}


def _labelled(units: list[Unit]) -> list[tuple[str, str]]:
    """(code, label) for each unit, the label its name after those of the units above it (one
    query for the names above)."""
    above = {path for unit in units for path in unit.ancestor_paths()[:-1]}
    names = dict(Unit.objects.filter(path__in=above).values_list("path", "name"))
    return [
        (unit.code, " › ".join([*(names[p] for p in unit.ancestor_paths()[:-1] if p in names), unit.name]))
        for unit in units
    ]


def _picked(units, unit: Unit) -> list[tuple[str, str]]:
    """The picker's first choices: the unit shown, then the first units of the person's scope."""
    first = [u for u in units.only("path", "code", "name")[:PICKER_SIZE] if u.pk != unit.pk]
    return _labelled([unit, *first])


@login_required
@require_GET
@reading_reports()
def unit_search(request: HttpRequest) -> HttpResponse:
    """The picker's choices for what was typed: units whose name or code holds every word, with
    or without diacritics (htmx replaces the datalist with them)."""
    words = fold((request.GET.get("q") or request.GET.get("unit", ""))[:100]).split()
    found = []
    for unit in _units(request).only("path", "code", "name").iterator():
        if all(word in fold(f"{unit.code} {unit.name}") for word in words):
            found.append(unit)
            if len(found) == PICKER_SIZE:
                break
    return render(request, "monitoring/_unit_options.html", {"options": _labelled(found)})


@login_required
@require_GET
@reading_reports()
def drill_page(request: HttpRequest) -> HttpResponse:
    """The rows one number of the report counts, with the report's unit and period."""
    unit = _unit(request, _units(request))
    try:
        start, end = _iso_period(request)
    except IncompleteInput as error:
        return render(request, "monitoring/drill.html", {"errors": error.errors, "unit": unit}, status=400)
    figure = request.GET.get("figure", "")[:80]
    sources = _sources(request, unit, start, end)
    found = drill(sources, figure)
    if found is None:
        errors = {"figure": _("This number of the report has no list.")}
        return render(request, "monitoring/drill.html", {"errors": errors, "unit": unit}, status=400)
    source, rows = found
    page = Paginator(drilldown.ordered(source, rows), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    back = urlencode(
        {"unit": unit.code, "period": "custom", "from": f"{start:%d/%m/%Y}", "to": f"{end:%d/%m/%Y}",
         **_kept(sources)}
    )  # fmt: skip
    context = {
        "unit": unit, "start": start, "end": end, "title": exports.label_of(figure), "page": page,
        "lines": drilldown.lines(source, page.object_list), "query": query.urlencode(), "back": back,
    }  # fmt: skip
    return render(request, "monitoring/drill.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def download_list(request: HttpRequest) -> HttpResponse:
    """My downloads: the report files prepared in the background, kept 7 days; POST asks for one."""
    units = _units(request)
    if request.method == "POST":
        try:
            unit = units.filter(code=request.POST.get("unit", "")[:32]).first()
            if unit is None:
                raise IncompleteInput({"unit": _("No unit you report on has this code.")})
            start, end = (_date(request.POST.get(name, "")) for name in ("from", "to"))
            services.export_request(actor=request.user, unit=unit, start=start, end=end,
                                    kind=request.POST.get("kind", ""),
                                    structure=structure_of(request.POST.get("structure")))  # fmt: skip
        except IncompleteInput as error:
            messages.error(request, " ".join(str(message) for message in error.errors.values()))
            return redirect("report-downloads")
        messages.success(request, _("The file is being prepared; it stays here for 7 days."))
        return redirect("report-downloads")
    jobs = ExportJob.objects.filter(owner=request.user, expires_at__gt=timezone.now()).select_related("unit")
    return render(request, "monitoring/downloads.html", {"jobs": jobs[:50]})


def _date(raw: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise IncompleteInput({"from": _("Give the period as two dates.")}) from None
    return reachable(day, "from")


def _job(request: HttpRequest, pk: int) -> ExportJob:
    """One's own download, while one still reports on its unit."""
    units = _units(request)
    job = ExportJob.objects.filter(pk=pk, owner=request.user, expires_at__gt=timezone.now()).first()
    if job is None or not units.filter(pk=job.unit_id).exists():
        raise Http404(_("No such download of yours."))
    return job


@login_required
@require_GET
def download_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One download's row, which htmx polls until the file is ready or has failed."""
    return render(request, "monitoring/_download_row.html", {"job": _job(request, pk)})


@login_required
@require_GET
def download_file(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404(_("This file is not ready."))
    kind = "xlsx" if job.kind == ExportJob.Kind.XLSX else "pdf"
    return download(job.file, filename=job.filename, kind=kind)
