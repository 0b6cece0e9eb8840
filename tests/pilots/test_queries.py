"""Pilot pages cost a constant number of queries however much they show (no N+1; acceptance line 6).

The pilot page (/pilots/<id>/) is loaded with one progress report and one inspection, then with
nine reports (each with a value for every indicator, reviewed one way or the other), four
inspections and two plan adjustments; the lists (/pilots/, /pilots/reports-due/,
/pilots/inspections/, the home page and /api/v1/pilots/) with 3 pilots and again with 30 (beyond a
page: 25 on the pages, 20 in the API, 10 in a home-page section). Each count is taken after a
warm-up request (per-process caches: content types, …) and must not change; when it does, the
failure lists the queries that were repeated.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pilots import services
from pilots.models import CorrectiveAction, IndicatorValue, Pilot, ProgressReport
from portal.models import RoleAssignment, User
from tests.conftest import api_client_for
from tests.proposals.conftest import make_proposal

NOW = "2026-12-01 09:00 +07:00"
TODAY = datetime.date(2026, 12, 1)
DAY = datetime.timedelta(days=1)
FEW, MANY = 3, 30
INDICATORS = [
    {"name": "Thời gian xử lý hồ sơ", "unit": "ngày", "baseline": 45, "target": 15},
    {"name": "Tỷ lệ hồ sơ trực tuyến", "unit": "%", "baseline": 10, "target": 80},
    {"name": "Mức hài lòng", "unit": "%", "baseline": 60, "target": 90},
]


@pytest.fixture
def org(demo) -> dict[str, User]:
    """The demo organisation without demo proposals or pilots: the pages show what a test builds.
    Everyone's role is held since long before the frozen date."""
    RoleAssignment.objects.update(started_on=datetime.date(2020, 1, 1))
    return demo


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user: User, *, api: bool = False):
    if api:
        return api_client_for(user)
    client = Client()
    client.force_login(user)
    return client


def load(client, url: str) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, [query["sql"] for query in queries.captured_queries]


def shape_of(sql: list[str]) -> list[str]:
    """The queries with their literal values blanked, to show what was repeated."""
    return [re.sub(r"\b\d+\b|'[^']*'", "?", query) for query in sql]


def growth(few: list[str], many: list[str], what: str) -> str | None:
    """None when both loads ran as many queries; else what the bigger one repeated."""
    if len(few) == len(many):
        return None
    grown = Counter(shape_of(many))
    grown.subtract(Counter(shape_of(few)))
    changes = [f"  {count:+d} × {query[:400]}" for query, count in grown.most_common() if count]
    return f"{what}: {len(few)} queries before, {len(many)} after growing (N+1):\n" + "\n".join(changes[:8])


# --- The pilot page -------------------------------------------------------------------------------


def month_ends(pilot: Pilot) -> list[datetime.date]:
    return list(pilot.reports.order_by("period_end").values_list("period_end", flat=True))


def add_reports(org, pilot: Pilot, periods: list[datetime.date]) -> None:
    """A report for each period, with a value for every indicator, reviewed by head_a: accepted,
    or (every third) sent back for correction."""
    names = list(pilot.indicators.values_list("name", flat=True))
    for number, period_end in enumerate(periods):
        report = services.report_submit(
            actor=org["cadre_a"], pilot=pilot, period_end=period_end,
            summary=f"Báo cáo kỳ {period_end:%m/%Y}", progress_percent=min(100, 10 * (number + 1)),
            spending_vnd=1_000_000 * number,
            issues="Chậm phối hợp" if number % 2 else "",
            indicator_values=[{"name": name, "value": 40 - number} for name in names],
        )  # fmt: skip
        if number % 3 == 2:
            services.report_review(actor=org["head_a"], report=report, accept=False, note="Bổ sung số liệu")
        elif number % 3 == 1:
            services.report_review(actor=org["head_a"], report=report, accept=True)


def add_inspections(org, pilot: Pilot, count: int, *, close: int = 0) -> None:
    for number in range(count):
        inspection = services.inspection_record(
            actor=org["inspector"], pilot=pilot, findings=f"Kiểm tra lần {number + 1}",
            severity=["none", "minor", "major"][number % 3], corrective_actions=f"Khắc phục {number + 1}",
            due_date=TODAY + (number + 3) * DAY,
        )  # fmt: skip
        if number < close:
            services.corrective_action_close(
                actor=org["head_a"], action=inspection.actions.get(), note="Đã xong"
            )


@pytest.mark.parametrize("viewer", ["head_a", "cadre_a", "inspector", "orgcom"])
def test_the_pilot_page_costs_the_same_number_of_queries_with_more_reports(org, frozen, viewer):
    proposal = make_proposal(org["cadre_a"], "approved", title="Thí điểm một cửa liên thông")
    pilot = services.pilot_create(
        actor=org["head_a"], proposal=proposal, start_date=TODAY - 365 * DAY, end_date=TODAY - DAY,
        implementers=[org["cadre_a"], org["cadre_a2"]], indicators=INDICATORS, budget_vnd=500_000_000,
    )  # fmt: skip
    ends = month_ends(pilot)
    assert len(ends) == 12
    add_reports(org, pilot, ends[:1])
    add_inspections(org, pilot, 1)
    client = client_for(org[viewer])
    url = f"/pilots/{pilot.pk}/"
    load(client, url)  # warm-up
    _response, few = load(client, url)

    add_reports(org, pilot, ends[1:9])
    add_inspections(org, pilot, 3, close=2)
    for number, budget in enumerate((600_000_000, 650_000_000)):
        services.pilot_adjust(
            actor=org["head_a"], pilot=pilot, reason=f"Điều chỉnh lần {number + 1}",
            changes={"budget_vnd": budget, "resources": f"{number + 3} cán bộ"},
        )  # fmt: skip
    response, many = load(client, url)
    shown = response.context
    assert [r.status for r in shown["reports"]].count(ProgressReport.Status.DUE) == 3
    assert len(shown["reports"]) == 12
    points = sum(len(item["points"]) for item in shown["chart"]["indicators"])
    assert points == IndicatorValue.objects.filter(indicator__pilot=pilot).count() == 9 * len(INDICATORS)
    assert len(shown["inspections"]) == 4
    assert shown["current_version"].number == 3
    for report in pilot.reports.exclude(status=ProgressReport.Status.DUE):
        assert report.summary in response.content.decode()
    problem = growth(few, many, f"the pilot page for {viewer}")
    assert problem is None, problem


# --- The lists --------------------------------------------------------------------------------

# The states the grown pilots cycle through: every kind of row the lists show.
SHAPES = [
    "active",
    "completed",
    "under_evaluation",
    "terminated",
    "suspended",
    "planned",
    "evaluated",
    "active",
]


def build(org, shape: str, number: int) -> Pilot:
    """A pilot of cadre_a (with cadre_a2), approved by head_a, inspected (one open corrective
    action), with one report handed in unless planned, walked to `shape`."""
    head, cadre = org["head_a"], org["cadre_a"]
    proposal = make_proposal(cadre, "approved", title=f"Thí điểm số {number:03d}")
    start = TODAY + 20 * DAY if shape == "planned" else TODAY - 70 * DAY
    pilot = services.pilot_create(
        actor=head, proposal=proposal, start_date=start, end_date=start + 240 * DAY,
        implementers=[cadre, org["cadre_a2"]], indicators=INDICATORS[:2], budget_vnd=100_000_000 + number,
    )  # fmt: skip
    if shape != "planned":
        add_reports(org, pilot, month_ends(pilot)[:1])
    add_inspections(org, pilot, 1)
    if shape == "suspended":
        services.pilot_suspend(actor=head, pilot=pilot, reason="Tạm dừng")
    if shape == "terminated":
        services.pilot_terminate(actor=head, pilot=pilot, reason="Chấm dứt")
    if shape in ("completed", "under_evaluation", "evaluated"):
        services.pilot_complete(actor=cadre, pilot=pilot)
    if shape in ("under_evaluation", "evaluated"):
        services.pilot_results_report(actor=cadre, pilot=pilot, summary="Kết quả")
    if shape == "evaluated":
        services.pilot_evaluate(
            actor=head, pilot=pilot, outcome="partially_completed", damage=False,
            objective_causes="Thiếu dữ liệu", subjective_causes="", party_opinion="Đồng ý",
        )  # fmt: skip
    return pilot


def pilots_on_page(response) -> list[int]:
    return [pilot.pk for pilot in response.context["page"].object_list]


def pilots_in_api(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def reports_due(response) -> list[int]:
    return [report.pk for report in response.context["reports"]] + [p.pk for p in response.context["results"]]


def open_actions(response) -> list[int]:
    return [action.pk for action in response.context["actions"]] + [
        i.pk for i in response.context["inspections"]
    ]


def home_items(response) -> list[int]:
    """The items of the fullest home-page section (each section shows 10 at most)."""
    sections = [section.items for section in response.context["sections"]]
    return [getattr(item, "pk", None) for item in max(sections, key=len, default=[])]


# name → (who, url, API?, what the page lists, how many it shows at most; None: all of them)
PAGES = {
    "pilots: head": ("head_a", "/pilots/", False, pilots_on_page, 25),
    "pilots: implementer": ("cadre_a", "/pilots/", False, pilots_on_page, 25),
    "pilots: inspector": ("inspector", "/pilots/", False, pilots_on_page, 25),
    "pilots: head of the province": ("head_top", "/pilots/", False, pilots_on_page, 25),
    "pilots: active only": ("head_a", "/pilots/?status=active", False, pilots_on_page, 25),
    "pilots: page 2": ("head_a", "/pilots/?page=2", False, pilots_on_page, 25),
    "reports due": ("cadre_a", "/pilots/reports-due/", False, reports_due, None),
    "inspections": ("inspector", "/pilots/inspections/", False, open_actions, None),
    "home: head": ("head_a", "/", False, home_items, 10),
    "home: implementer": ("cadre_a", "/", False, home_items, 10),
    "home: inspector": ("inspector", "/", False, home_items, 10),
    "api: head": ("head_a", "/api/v1/pilots/", True, pilots_in_api, 20),
    "api: implementer": ("cadre_a", "/api/v1/pilots/", True, pilots_in_api, 20),
    "api: inspector": ("inspector", "/api/v1/pilots/", True, pilots_in_api, 20),
    "api: active only": ("head_a", "/api/v1/pilots/?status=active", True, pilots_in_api, 20),
}


def test_the_lists_cost_the_same_number_of_queries_for_3_and_30_pilots(org, frozen):
    """One test for all the lists, so that the 30 pilots are built once; every list that grows
    its query count is reported."""
    built: list[Pilot] = []

    def grow_to(count: int) -> None:
        while len(built) < count:
            built.append(build(org, SHAPES[len(built) % len(SHAPES)], len(built)))

    clients = {
        (who, api): client_for(org[who], api=api) for who, _url, api, _read, _most in PAGES.values()
    }  # fmt: skip
    grow_to(FEW)
    before = {}
    for name, (who, url, api, _read, _most) in PAGES.items():
        load(clients[(who, api)], url)  # warm-up
        before[name] = load(clients[(who, api)], url)[1]

    grow_to(MANY)
    problems, shown = [], {}
    for name, (who, url, api, read, most) in PAGES.items():
        response, after = load(clients[(who, api)], url)
        shown[name] = read(response)
        if most is not None and "page=2" not in url:
            assert len(shown[name]) <= most, name
        problem = growth(before[name], after, f"{name} ({url})")
        if problem:
            problems.append(problem)

    # The lists show what they should: everything (a page of it), or what waits for the person.
    active = [p.pk for p in built if Pilot.objects.get(pk=p.pk).status == "active"]
    assert len(shown["pilots: head"]) == 25
    assert len(shown["pilots: page 2"]) == MANY - 25
    assert not set(shown["pilots: head"]) & set(shown["pilots: page 2"])
    assert sorted(shown["pilots: active only"]) == sorted(active)
    assert len(shown["api: head"]) == 20
    assert sorted(shown["api: active only"]) == sorted(active)
    for name in ("pilots: implementer", "pilots: inspector", "pilots: head of the province"):
        assert shown[name] == shown["pilots: head"], name
    due = ProgressReport.objects.filter(pilot_id__in=active, status=ProgressReport.Status.DUE).count()
    waiting = Pilot.objects.filter(status__in=["completed", "terminated"]).count()
    assert len(shown["reports due"]) == due + waiting
    actions = CorrectiveAction.objects.filter(closed_on__isnull=True).count()
    assert len(shown["inspections"]) == actions + MANY  # the open actions, then the inspections
    assert problems == [], "\n\n".join(problems)
