"""The pilot pages as a browser uses them: the real forms posted with the Django test client,
from setting up the pilot to its evaluation, with every deadline counted in working days on a
stopped clock; and the lists (all pilots, reports due, my inspections, the home page)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from accountability.models import Case
from pilots.models import (
    CorrectiveAction,
    Inspection,
    Pilot,
    PilotTransition,
    PlanVersion,
    ProgressReport,
)
from portal.models import User
from portal.workdays import add_working_days
from tests.form_rows import indicator_rows
from tests.proposals.conftest import make_proposal

D = datetime.date
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
INDICATORS = "Thời gian xử lý hồ sơ; ngày; 45; 15\nTỷ lệ hồ sơ trực tuyến; %; 10; 80"


def at_nine(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=HANOI)


class Clock:
    """A stopped clock: `seed(day)` creates the demo organisation on that day (so its roles are
    held from then on), `move(day)` goes on to a later day."""

    def __init__(self) -> None:
        self.traveller = None
        self.coordinates = None

    def seed(self, day: datetime.date) -> dict[str, User]:
        self.traveller = time_machine.travel(at_nine(day), tick=False)
        self.coordinates = self.traveller.start()
        call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
        return {user.username: user for user in User.objects.select_related("unit")}

    def move(self, day: datetime.date) -> None:
        self.coordinates.move_to(at_nine(day))

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()


@pytest.fixture
def clock(db):
    stopped = Clock()
    yield stopped
    stopped.stop()


@pytest.fixture
def people(clock) -> dict[str, User]:
    """The demo organisation on Monday 4 January 2027, the clock stopped there."""
    return clock.seed(D(2027, 1, 4))


def browser(user: User) -> Client:
    # A fresh login at every step: the clock jumps further than a session lives.
    client = Client()
    client.force_login(user)
    return client


def act(user: User, pilot: Pilot, action: str, data: dict | None = None):
    return browser(user).post(f"/pilots/{pilot.pk}/{action}/", data or {})


def create_form(**overrides) -> dict:
    data = {
        "start_date": "04/01/2027",
        "end_date": "30/06/2027",
        "report_frequency": "monthly",
        "budget_vnd": "500000000",
        "resources": "2 cán bộ chuyên trách",
        "implementers": "cadre_a, cadre_a2",
    }
    data.update(indicator_rows(overrides.pop("indicators", INDICATORS)))
    data.update(overrides)
    return data


def open_rows(pilot: Pilot) -> list[tuple[int, datetime.date, datetime.date, datetime.date]]:
    rows = pilot.reports.filter(status=ProgressReport.Status.DUE).order_by("period_end")
    return list(rows.values_list("pk", "period_start", "period_end", "due_date"))


def schedule(pilot: Pilot) -> list[tuple[datetime.date, datetime.date, datetime.date]]:
    return list(pilot.reports.order_by("period_end").values_list("period_start", "period_end", "due_date"))


def fresh(pilot: Pilot) -> Pilot:
    return Pilot.objects.get(pk=pilot.pk)


def report_form(pilot: Pilot, period_end: str, progress: int, *values, **extra) -> dict:
    indicators = list(pilot.indicators.filter(retired=False))
    data = {"period_end": period_end, "progress_percent": str(progress), "summary": "Báo cáo kỳ", **extra}
    for indicator, value in zip(indicators, values, strict=False):
        data[f"indicator_{indicator.pk}"] = str(value)
    return data


# --- The whole life of a pilot -------------------------------------------------------------------


def test_a_pilot_lives_from_set_up_to_evaluation_through_the_pages(clock, people):
    proposal = make_proposal(people["cadre_a"], "approved")
    head, cadre, cadre2, inspector = (
        people["head_a"], people["cadre_a"], people["cadre_a2"], people["inspector"],
    )  # fmt: skip

    # Set up on Monday 4 January 2027 with the create form (dates typed dd/mm/yyyy).
    assert browser(head).get(f"/pilots/new/{proposal.pk}/").status_code == 200
    response = browser(head).post(f"/pilots/new/{proposal.pk}/", create_form())
    pilot = Pilot.objects.get(proposal=proposal)
    assert response.status_code == 302 and response["Location"] == f"/pilots/{pilot.pk}/"
    assert pilot.status == Pilot.Status.ACTIVE
    assert (pilot.start_date, pilot.end_date, pilot.budget_vnd) == (
        D(2027, 1, 4),
        D(2027, 6, 30),
        500_000_000,
    )
    assert sorted(pilot.implementers.values_list("username", flat=True)) == ["cadre_a", "cadre_a2"]
    first, second = pilot.indicators.all()
    assert (first.name, first.unit, first.baseline, first.target) == ("Thời gian xử lý hồ sơ", "ngày", 45, 15)
    assert (second.name, second.unit, second.baseline, second.target) == (
        "Tỷ lệ hồ sơ trực tuyến",
        "%",
        10,
        80,
    )
    baseline = PlanVersion.objects.get(pilot=pilot)
    assert baseline.number == 1 and baseline.plan["end_date"] == "2027-06-30"

    # One row per month; each report is due 5 working days after its period ends.
    periods = [
        (D(2027, 1, 4), D(2027, 2, 3)), (D(2027, 2, 4), D(2027, 3, 3)), (D(2027, 3, 4), D(2027, 4, 3)),
        (D(2027, 4, 4), D(2027, 5, 3)), (D(2027, 5, 4), D(2027, 6, 3)), (D(2027, 6, 4), D(2027, 6, 30)),
    ]  # fmt: skip
    assert schedule(pilot) == [(s, e, add_working_days(e, 5)) for s, e in periods]
    dues = [due for _s, _e, due in schedule(pilot)]
    # By hand: Wed 3 Feb → Tết closes 4–10 Feb → Thu 11, Fri 12, Mon 15, Tue 16, Wed 17 Feb.
    assert dues[0] == D(2027, 2, 17)
    # Sat 3 Apr → Mon 5 … Fri 9 Apr; Mon 3 May (a holiday itself) → Tue 4 … Mon 10 May.
    assert dues[2] == D(2027, 4, 9) and dues[3] == D(2027, 5, 10)
    page = browser(cadre).get(f"/pilots/{pilot.pk}/")
    assert page.status_code == 200
    assert set(page.context["action_forms"]) == {"report", "complete"}
    assert f'name="indicator_{first.pk}"' in page.content.decode()
    assert 'data-testid="plan-diff"' not in page.content.decode()

    # First progress report, Wednesday 3 February; the head asks for a correction.
    clock.move(D(2027, 2, 3))
    response = act(cadre, pilot, "report", report_form(pilot, "03/02/2027", 30, 35, ""))
    assert response.status_code == 302, response.content
    report = pilot.reports.get(period_end=D(2027, 2, 3))
    assert (report.status, report.progress_percent, report.submitted_by) == ("submitted", 30, cadre)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.actual, second.actual) == (35, None)
    assert fresh(pilot).progress_percent == 30
    assert act(head, pilot, "report", report_form(pilot, "03/02/2027", 40)).status_code == 403
    response = act(
        head, pilot, "review", {"report": report.pk, "accept": "false", "note": "Bổ sung số liệu."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_note) == ("correction", "Bổ sung số liệu.")

    # The home page lists the report to correct; the implementer sends the same period again.
    home = browser(cadre).get("/")
    section = next(s for s in home.context["sections"] if s.template == "pilots/_work_reports.html")
    assert report in section.items
    assert f'href="/pilots/{pilot.pk}/"' in home.content.decode()
    response = act(cadre, pilot, "report", report_form(pilot, "03/02/2027", 32, 33, 15))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.progress_percent) == ("submitted", 32)
    assert pilot.reports.count() == len(periods)
    assert act(head, pilot, "review", {"report": report.pk, "accept": "true"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == ("accepted", head)
    first.refresh_from_db()
    assert first.actual == 33 and fresh(pilot).progress_percent == 32

    # Second report, Wednesday 3 March, by the other implementer.
    clock.move(D(2027, 3, 3))
    response = act(cadre2, pilot, "report", report_form(pilot, "03/03/2027", 50, 28, 40))
    assert response.status_code == 302
    assert pilot.reports.get(period_end=D(2027, 3, 3)).status == "submitted"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.actual, second.actual) == (28, 40)
    assert fresh(pilot).progress_percent == 50

    # An inspection with a corrective action, which the inspector closes two days later.
    response = act(
        inspector, pilot, "inspect",
        {"findings": "Thiếu nhân lực", "severity": "minor", "corrective_actions": "Bổ sung 1 cán bộ",
         "due_date": "10/03/2027"},
    )  # fmt: skip
    assert response.status_code == 302
    inspection = Inspection.objects.get(pilot=pilot)
    assert (inspection.inspector, inspection.severity, inspection.inspected_on) == (
        inspector, "minor", D(2027, 3, 3),
    )  # fmt: skip
    action = CorrectiveAction.objects.get(inspection=inspection)
    assert action.due_date == D(2027, 3, 10) and action.closed_on is None
    mine = browser(inspector).get("/pilots/inspections/")
    assert mine.status_code == 200
    assert list(mine.context["actions"]) == [action] and list(mine.context["inspections"]) == [inspection]
    clock.move(D(2027, 3, 5))
    response = act(inspector, pilot, "close-action", {"action": action.pk, "note": "Đã bổ sung"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.closed_on, action.closed_by, action.closing_note) == (
        D(2027, 3, 5),
        inspector,
        "Đã bổ sung",
    )
    assert list(browser(inspector).get("/pilots/inspections/").context["actions"]) == []
    # A closed corrective action, not a closed unit.
    page = browser(inspector).get(f"/pilots/{pilot.pk}/").content.decode()
    assert 'data-testid="action-closed">Đã đóng ngày 05/03/2027' in page and "ngừng hoạt động" not in page

    # The head adjusts the plan: a month longer and more money; the page shows the diff.
    pilot = fresh(pilot)
    response = act(
        head, pilot, "adjust",
        {"reason": "Gia hạn một tháng", "start_date": "04/01/2027", "end_date": "31/07/2027",
         "report_frequency": "monthly", "budget_vnd": "600000000", "resources": pilot.resources,
         "scope": pilot.scope},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    versions = list(PlanVersion.objects.filter(pilot=pilot))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].plan["end_date"] == "2027-06-30" and versions[0].plan["budget_vnd"] == 500_000_000
    assert versions[1].plan["end_date"] == "2027-07-31" and versions[1].plan["budget_vnd"] == 600_000_000
    assert versions[1].reason == "Gia hạn một tháng"
    page = browser(head).get(f"/pilots/{pilot.pk}/")
    assert 'data-testid="plan-diff"' in page.content.decode()
    assert {c["field"]: (c["before"], c["after"]) for c in page.context["changes"]} == {
        "budget_vnd": (500_000_000, 600_000_000),
        "end_date": ("2027-06-30", "2027-07-31"),
    }
    # The rows nobody has reported on are laid out again up to the new end.
    rows = open_rows(pilot)
    assert rows[-1][2] == D(2027, 7, 31)
    assert all(due == add_working_days(end, 5) for _pk, _start, end, due in rows)
    assert rows[0][1] == D(2027, 3, 4)

    # Suspended on Monday 15 March, resumed ten days later: the open rows move on ten days.
    clock.move(D(2027, 3, 15))
    assert act(cadre, pilot, "suspend", {"reason": "Tạm dừng"}).status_code == 403
    assert act(head, pilot, "suspend", {"reason": "Chờ hướng dẫn của tỉnh"}).status_code == 302
    pilot = fresh(pilot)
    assert (pilot.status, pilot.suspended_on) == ("suspended", D(2027, 3, 15))
    assert act(cadre, pilot, "complete").status_code == 409
    assert act(cadre, pilot, "report", report_form(pilot, "03/04/2027", 55)).status_code == 409
    before = open_rows(pilot)
    clock.move(D(2027, 3, 25))
    assert act(head, pilot, "resume", {"reason": "Đã có hướng dẫn"}).status_code == 302
    pilot = fresh(pilot)
    assert (pilot.status, pilot.suspended_on, pilot.end_date) == ("active", None, D(2027, 8, 10))
    shift = datetime.timedelta(days=10)
    after = open_rows(pilot)
    assert [(pk, start, end) for pk, start, end, _due in after] == [
        (pk, start + shift, end + shift) for pk, start, end, _due in before
    ]
    assert all(due == add_working_days(end, 5) for _pk, _start, end, due in after)
    # By hand: Tue 13 Apr → Wed 14, Thu 15, (Fri 16 Hùng Kings' day), Mon 19, Tue 20, Wed 21 Apr.
    assert after[0][2:] == (D(2027, 4, 13), D(2027, 4, 21))
    assert act(head, pilot, "resume", {"reason": "Lần nữa"}).status_code == 409
    assert act(head, pilot, "evaluate", {"party_opinion": "x", "outcome": "completed"}).status_code == 409

    # Completion on Wednesday 28 April: the results report is due 5 working days later.
    clock.move(D(2027, 4, 28))
    assert act(head, pilot, "complete").status_code == 403
    assert act(cadre, pilot, "complete").status_code == 302
    pilot = fresh(pilot)
    assert (pilot.status, pilot.completed_on) == ("completed", D(2027, 4, 28))
    # By hand: Thu 29 Apr, then 30 Apr – 3 May are days off → Tue 4, Wed 5, Thu 6, Fri 7 May.
    assert pilot.results_report_due == add_working_days(D(2027, 4, 28), 5) == D(2027, 5, 7)
    assert act(cadre2, pilot, "report", report_form(pilot, "03/05/2027", 90)).status_code == 409
    assert act(head, pilot, "evaluate", {"party_opinion": "x", "outcome": "completed"}).status_code == 409
    due_page = browser(cadre).get("/pilots/reports-due/")
    assert list(due_page.context["results"]) == [pilot] and list(due_page.context["reports"]) == []

    # The results report on Thursday 6 May: the evaluation is due 7 working days later.
    clock.move(D(2027, 5, 6))
    response = act(
        cadre, pilot, "results-report",
        {"summary": "Rút ngắn còn 20 ngày", f"indicator_{first.pk}": "20", f"indicator_{second.pk}": "60"},
    )  # fmt: skip
    assert response.status_code == 302
    pilot = fresh(pilot)
    assert (pilot.status, pilot.results_reported_on) == ("under_evaluation", D(2027, 5, 6))
    # By hand: Fri 7, Mon 10 … Fri 14, Mon 17 May.
    assert pilot.evaluation_due == add_working_days(D(2027, 5, 6), 7) == D(2027, 5, 17)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.actual, second.actual) == (20, 60)
    assert first.values.filter(final=True).count() == 1

    # The evaluation: partially completed; an accountability case is opened about the author.
    clock.move(D(2027, 5, 12))
    assert act(cadre, pilot, "evaluate", {"party_opinion": "x", "outcome": "completed"}).status_code == 403
    response = act(
        head, pilot, "evaluate",
        {"party_opinion": "Đảng ủy Sở thống nhất", "outcome": "partially_completed",
         "objective_causes": "Dữ liệu liên thông chưa sẵn sàng", "subjective_causes": "",
         f"indicator_{first.pk}": "20"},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    pilot = fresh(pilot)
    assert (pilot.status, pilot.outcome, pilot.evaluated_on, pilot.damage) == (
        "evaluated", "partially_completed", D(2027, 5, 12), False,
    )  # fmt: skip
    case = Case.objects.get(pilot=pilot)
    assert (case.kind, case.status, case.subject, case.proposal) == ("outcome", "open", cadre, proposal)
    response = act(head, pilot, "evaluate", {"party_opinion": "Lần hai", "outcome": "not_completed",
                                              "objective_causes": "x"})  # fmt: skip
    assert response.status_code == 409
    assert Case.objects.filter(pilot=pilot).count() == 1 and fresh(pilot).outcome == "partially_completed"
    page = browser(cadre).get(f"/pilots/{pilot.pk}/")
    assert page.status_code == 200 and list(page.context["cases"]) == [case]
    assert page.context["action_forms"] == {}

    steps = list(PilotTransition.objects.filter(pilot=pilot).values_list("action", "to_status"))
    assert [action for action, _to in steps] == [
        "create", "report", "review", "report", "review", "report", "inspect", "close_action", "adjust",
        "suspend", "resume", "complete", "results_report", "evaluate",
    ]  # fmt: skip
    assert steps[-1] == ("evaluate", "evaluated")


# --- Forms that are wrong come back with their errors (400) ----------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "03/01/2027"}, "end_date"),
        ({"budget_vnd": "-1"}, "budget_vnd"),
        ({"start_date": "2027-13-45"}, "start_date"),
        ({"implementers": "cadre_a, nobody_here"}, "implementers"),
        ({"indicators": "Chỉ có tên; ngày"}, "indicators"),
    ],
)
def test_a_wrong_create_form_comes_back_with_the_error(people, overrides, field):
    proposal = make_proposal(people["cadre_a"], "approved")
    response = browser(people["head_a"]).post(f"/pilots/new/{proposal.pk}/", create_form(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Pilot.objects.filter(proposal=proposal).exists()


@pytest.fixture
def pilot(people) -> Pilot:
    proposal = make_proposal(people["cadre_a"], "approved")
    response = browser(people["head_a"]).post(f"/pilots/new/{proposal.pk}/", create_form())
    assert response.status_code == 302
    return Pilot.objects.get(proposal=proposal)


@pytest.mark.parametrize("progress", [-1, 101, "abc"])
def test_a_progress_outside_0_to_100_is_a_form_error(people, pilot, progress):
    response = act(people["cadre_a"], pilot, "report", report_form(pilot, "03/02/2027", progress))
    assert response.status_code == 400
    assert "progress_percent" in response.context["action_forms"]["report"].errors
    assert not pilot.reports.exclude(status="due").exists()
    assert fresh(pilot).progress_percent == 0


def test_negative_money_and_reversed_dates_are_form_errors(people, pilot):
    head, cadre = people["head_a"], people["cadre_a"]
    response = act(cadre, pilot, "report", report_form(pilot, "03/02/2027", 10, spending_vnd="-5"))
    assert response.status_code == 400
    assert "spending_vnd" in response.context["action_forms"]["report"].errors
    adjust = {"reason": "Điều chỉnh", "start_date": "04/01/2027", "end_date": "30/06/2027",
              "report_frequency": "monthly", "budget_vnd": "-10"}  # fmt: skip
    response = act(head, pilot, "adjust", adjust)
    assert response.status_code == 400 and "budget_vnd" in response.context["action_forms"]["adjust"].errors
    response = act(head, pilot, "adjust", {**adjust, "budget_vnd": "10", "end_date": "01/01/2027"})
    assert response.status_code == 400 and "end_date" in response.context["action_forms"]["adjust"].errors
    response = act(people["inspector"], pilot, "inspect", {"findings": "x", "severity": "major",
                                                          "corrective_actions": "Sửa ngay"})  # fmt: skip
    assert response.status_code == 400 and "due_date" in response.context["action_forms"]["inspect"].errors
    assert PlanVersion.objects.filter(pilot=pilot).count() == 1 and not Inspection.objects.exists()


def test_a_pilot_starting_later_is_planned(people):
    proposal = make_proposal(people["cadre_a"], "approved")
    response = browser(people["head_a"]).post(
        f"/pilots/new/{proposal.pk}/", create_form(start_date="01/02/2027", end_date="31/03/2027")
    )
    assert response.status_code == 302
    assert Pilot.objects.get(proposal=proposal).status == Pilot.Status.PLANNED


# --- Lists --------------------------------------------------------------------------------------------


def test_the_lists_show_each_person_what_concerns_them(clock, people):
    skhdt = make_proposal(people["cadre_a"], "approved")
    snv = make_proposal(people["cadre_b"], "approved", title="Một cửa tại Sở Nội vụ")
    ok = browser(people["head_a"]).post(f"/pilots/new/{skhdt.pk}/", create_form(implementers="cadre_a"))
    assert ok.status_code == 302
    ok = browser(people["head_b"]).post(f"/pilots/new/{snv.pk}/", create_form(implementers=""))
    assert ok.status_code == 302
    mine, theirs = Pilot.objects.get(proposal=skhdt), Pilot.objects.get(proposal=snv)
    assert list(theirs.implementers.all()) == [people["cadre_b"]]  # the author when left empty

    def listed(username: str, url: str = "/pilots/") -> list[Pilot]:
        response = browser(people[username]).get(url)
        assert response.status_code == 200
        return list(response.context["page"])

    assert listed("cadre_a") == [mine]
    assert listed("cadre_a2") == []
    assert listed("head_a") == [mine]
    assert listed("head_b") == [theirs]
    assert set(listed("head_top")) == set(listed("inspector")) == set(listed("orgcom")) == {mine, theirs}
    assert listed("head_top", "/pilots/?status=active") == listed("head_top")
    assert listed("head_top", "/pilots/?status=evaluated") == []
    content = browser(people["cadre_a"]).get("/pilots/").content.decode()
    assert 'data-testid="pilot-table"' in content and f'href="/pilots/{mine.pk}/"' in content

    # Reports due: cadre_a's own monthly rows, nearest first, overdue ones flagged.
    due = browser(people["cadre_a"]).get("/pilots/reports-due/")
    assert [r.pilot for r in due.context["reports"]] == [mine] * 6
    assert 'data-testid="reports-due"' in due.content.decode()
    assert 'data-testid="overdue"' not in due.content.decode()
    assert list(browser(people["cadre_a2"]).get("/pilots/reports-due/").context["reports"]) == []
    clock.move(D(2027, 2, 18))  # the first report was due on 17 February
    due = browser(people["cadre_a"]).get("/pilots/reports-due/")
    assert 'data-testid="overdue"' in due.content.decode()

    # The inspector's page: the open corrective actions on every pilot they cover.
    for pilot in (mine, theirs):
        response = act(people["inspector"], pilot, "inspect",
                       {"findings": "Chậm", "severity": "minor", "corrective_actions": "Khắc phục",
                        "due_date": "25/02/2027"})  # fmt: skip
        assert response.status_code == 302
    page = browser(people["inspector"]).get("/pilots/inspections/")
    assert {a.inspection.pilot for a in page.context["actions"]} == {mine, theirs}
    assert 'data-testid="open-actions"' in page.content.decode()
    assert len(page.context["inspections"]) == 2

    # Home: the implementer sees the reports due, the inspector the open corrective actions.
    home = browser(people["cadre_a"]).get("/")
    templates = {s.template for s in home.context["sections"]}
    assert "pilots/_work_reports.html" in templates
    home = browser(people["inspector"]).get("/")
    assert "pilots/_work_actions.html" in {s.template for s in home.context["sections"]}
    home = browser(people["cadre_b"]).get("/")
    section = next(s for s in home.context["sections"] if s.template == "pilots/_work_reports.html")
    assert {r.pilot for r in section.items} == {theirs}
