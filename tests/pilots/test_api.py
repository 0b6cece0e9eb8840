"""The pilot API of shared/CONTRACT.md: the whole life of a pilot on a stopped clock with every
deadline in working days, who may create a pilot, the 400s for bad input, and the accountability
case an evaluation opens."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from accountability.models import Case
from pilots.models import CorrectiveAction, Pilot, PlanVersion
from portal.models import User
from portal.workdays import add_working_days
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal

D = datetime.date
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST, SECOND = "Thời gian xử lý hồ sơ", "Tỷ lệ hồ sơ trực tuyến"
CASE_FIELDS = {
    "id", "pilot", "proposal", "kind", "status", "subject", "opened_at", "opened_by", "unit", "summary",
    "damage", "damage_vnd", "determination_due", "objective_causes", "subjective_causes", "acted_per_policy",
    "pure_motive", "common_good", "substantiated", "findings", "determined_on", "decision_due", "result",
    "result_basis", "decided_on", "reviews", "explanations",
}  # fmt: skip


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


@pytest.fixture
def as_(api, people):
    return lambda username: api(people[username])


def body(proposal_id: int, **overrides) -> dict:
    return pilot_body(proposal_id, **{"start_date": "2027-01-04", "end_date": "2027-06-30", **overrides})


def created(as_, proposal, username: str = "head_a", **overrides) -> dict:
    response = as_(username).post("/api/v1/pilots/", body(proposal.pk, **overrides), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def post(client, pid: int, action: str, data: dict | None = None):
    return client.post(f"/api/v1/pilots/{pid}/{action}/", data or {}, format="json")


def rows(client, pid: int, status: str | None = None) -> list[dict]:
    response = client.get(f"/api/v1/pilots/{pid}/reports/")
    assert response.status_code == 200
    return [row for row in response.json() if status is None or row["status"] == status]


def iso(day: datetime.date) -> str:
    return day.isoformat()


def report(period_end: str, progress: int, **values) -> dict:
    return {
        "period_end": period_end,
        "summary": "Báo cáo kỳ",
        "progress_percent": progress,
        "indicator_values": [{"name": name, "value": value} for name, value in values.items()],
    }


def browser_list(user, pid: int):
    """The pilot as the pilots' list page shows it."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return next(pilot for pilot in client.get("/pilots/").context["page"] if pilot.pk == pid)


def look(client, pid: int) -> dict:
    """The pilot as the list shows it (the detail view has its own test below)."""
    found = [p for p in client.get("/api/v1/pilots/").json()["results"] if p["id"] == pid]
    assert len(found) == 1
    return found[0]


def actual(pilot: dict, name: str) -> Decimal | None:
    value = next(item["actual"] for item in pilot["indicators"] if item["name"] == name)
    return None if value is None else Decimal(str(value))


# --- The whole life of a pilot --------------------------------------------------------------------


def test_a_pilot_lives_from_creation_to_evaluation_through_the_api(clock, people, as_):
    proposal = make_proposal(people["cadre_a"], "approved")
    head, cadre, cadre2, inspector = as_("head_a"), as_("cadre_a"), as_("cadre_a2"), as_("inspector")

    # Created on Monday 4 January 2027, reported on each quarter.
    pilot = created(as_, proposal, end_date="2027-12-31", report_frequency="quarterly")
    pid = pilot["id"]
    assert (pilot["status"], pilot["mode"], pilot["unit"], pilot["progress_percent"]) == (
        "active", "pilot", "SKHDT", 0,
    )  # fmt: skip
    assert sorted(pilot["implementers"]) == ["cadre_a", "cadre_a2"]
    assert pilot["results_report_due"] is None and pilot["evaluation_due"] is None and pilot["outcome"] == ""
    assert [(i["name"], i["baseline"], i["target"], i["actual"]) for i in pilot["indicators"]] == [
        (FIRST, 45, 15, None), (SECOND, 10, 80, None),
    ]  # fmt: skip
    quarters = [
        (D(2027, 1, 4), D(2027, 4, 3)), (D(2027, 4, 4), D(2027, 7, 3)),
        (D(2027, 7, 4), D(2027, 10, 3)), (D(2027, 10, 4), D(2027, 12, 31)),
    ]  # fmt: skip
    schedule = [(r["period_start"], r["period_end"], r["due_date"]) for r in rows(head, pid)]
    assert schedule == [(iso(s), iso(e), iso(add_working_days(e, 5))) for s, e in quarters]
    # By hand: Sat 3 Apr → Mon 5 … Fri 9 Apr; Sun 3 Oct → Mon 4 … Fri 8 Oct; Fri 31 Dec 2027 →
    # (Mon 3 Jan 2028 is New Year's Day observed) Tue 4, Wed 5, Thu 6, Fri 7, Mon 10 Jan 2028.
    assert [due for _s, _e, due in schedule] == ["2027-04-09", "2027-07-09", "2027-10-08", "2028-01-10"]
    assert pilot["next_report_due"] == "2027-04-09"

    # First report on Monday 5 April; a correction, the same period again, then accepted.
    clock.move(D(2027, 4, 5))
    response = post(cadre, pid, "reports", report("2027-04-03", 25, **{FIRST: 40}))
    assert response.status_code == 201, response.json()
    first = response.json()
    assert (first["status"], first["period_start"], first["due_date"]) == (
        "submitted",
        "2027-01-04",
        "2027-04-09",
    )
    now = look(head, pid)
    assert (now["progress_percent"], actual(now, FIRST), actual(now, SECOND)) == (25, 40, None)
    assert now["next_report_due"] == "2027-07-09"
    assert post(head, pid, "reports", report("2027-04-03", 30)).status_code == 403
    review = f"reports/{first['id']}/review"
    response = post(head, pid, review, {"accept": False, "note": "Thiếu số liệu chi tiêu"})
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["review_note"]) == (
        "correction",
        "Thiếu số liệu chi tiêu",
    )
    assert look(head, pid)["next_report_due"] == "2027-04-09"
    assert post(cadre, pid, review, {"accept": True}).status_code == 403
    response = post(
        cadre2, pid, "reports", {**report("2027-04-03", 27, **{FIRST: 38}), "spending_vnd": 90_000_000}
    )
    assert response.status_code == 201 and response.json()["id"] == first["id"]
    assert len(rows(head, pid)) == 4
    assert post(head, pid, review, {"accept": True}).json()["status"] == "accepted"
    assert post(head, pid, review, {"accept": True}).status_code == 409
    now = look(head, pid)
    assert (now["progress_percent"], actual(now, FIRST)) == (27, 38)

    # Second report on Monday 5 July.
    clock.move(D(2027, 7, 5))
    response = post(cadre, pid, "reports", report("2027-07-03", 55, **{FIRST: 30, SECOND: 45}))
    assert response.status_code == 201
    now = look(head, pid)
    assert (now["progress_percent"], actual(now, FIRST), actual(now, SECOND)) == (55, 30, 45)
    assert now["next_report_due"] == "2027-10-08"

    # Inspection with a corrective action, closed by the inspector.
    assert post(cadre, pid, "inspections", {"findings": "x", "severity": "none"}).status_code == 403
    response = post(
        inspector, pid, "inspections",
        {"findings": "Hồ sơ lưu trữ chưa đầy đủ", "severity": "major",
         "corrective_actions": "Số hóa hồ sơ tồn", "due_date": "2027-07-16"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert (response.json()["inspector"], response.json()["inspected_on"]) == ("inspector", "2027-07-05")
    listed = inspector.get(f"/api/v1/pilots/{pid}/inspections/").json()
    assert [(i["severity"], i["findings"]) for i in listed] == [("major", "Hồ sơ lưu trữ chưa đầy đủ")]
    corrective = CorrectiveAction.objects.get(inspection__pilot_id=pid)
    assert corrective.due_date == D(2027, 7, 16)
    close = f"corrective-actions/{corrective.pk}/close"
    assert post(cadre, pid, close, {"note": "Xong"}).status_code == 403
    response = post(inspector, pid, close, {"note": "Đã số hóa 100%"})
    assert response.status_code == 200 and response.json()["closed_on"] == "2027-07-05"
    assert post(inspector, pid, close, {"note": "Lần nữa"}).status_code == 409

    # The head adjusts budget and indicators: version 2 beside the approved baseline.
    assert post(cadre, pid, "adjust", {"reason": "x", "budget_vnd": 1}).status_code == 403
    indicators = [
        {"name": FIRST, "unit": "ngày", "baseline": 45, "target": 20},
        {"name": SECOND, "unit": "%", "baseline": 10, "target": 80},
        {"name": "Mức độ hài lòng", "unit": "%", "baseline": 60, "target": 90},
    ]
    response = post(
        head, pid, "adjust", {"reason": "Bổ sung chỉ số", "budget_vnd": 450_000_000, "indicators": indicators}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["budget_vnd"] == 450_000_000 and len(response.json()["indicators"]) == 3
    baseline, version = PlanVersion.objects.filter(pilot_id=pid)
    assert (baseline.number, version.number, version.reason) == (1, 2, "Bổ sung chỉ số")
    assert baseline.plan["budget_vnd"] == 500_000_000 and len(baseline.plan["indicators"]) == 2
    assert version.plan["budget_vnd"] == 450_000_000
    assert [(i["name"], i["target"]) for i in version.plan["indicators"]] == [
        (FIRST, "20.0000"), (SECOND, "80.0000"), ("Mức độ hài lòng", "90.0000"),
    ]  # fmt: skip
    page = Client()
    page.force_login(people["cadre_a"])
    detail = page.get(f"/pilots/{pid}/")
    assert 'data-testid="plan-diff"' in detail.content.decode()
    assert {change["field"] for change in detail.context["changes"]} == {"budget_vnd", "indicators"}
    assert post(head, pid, "adjust", {"reason": "Không đổi gì", "budget_vnd": 450_000_000}).status_code == 400

    # Suspended on Monday 12 July, resumed a week later: the open periods move on 7 days.
    clock.move(D(2027, 7, 12))
    assert post(cadre, pid, "suspend", {"reason": "x"}).status_code == 403
    response = post(head, pid, "suspend", {"reason": "Chờ ý kiến Sở Tư pháp"})
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert post(cadre, pid, "complete").status_code == 409
    assert post(cadre, pid, "reports", report("2027-10-03", 60)).status_code == 409
    before = rows(head, pid, "due")
    clock.move(D(2027, 7, 19))
    response = post(head, pid, "resume", {"reason": "Đã có ý kiến"})
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert response.json()["end_date"] == "2028-01-07"
    after = rows(head, pid, "due")
    week = datetime.timedelta(days=7)

    def moved(row: dict) -> tuple:
        start, end = D.fromisoformat(row["period_start"]), D.fromisoformat(row["period_end"])
        return row["id"], iso(start + week), iso(end + week), iso(add_working_days(end + week, 5))

    assert [(r["id"], r["period_start"], r["period_end"], r["due_date"]) for r in after] == [
        moved(r) for r in before
    ]
    # By hand: Sun 10 Oct → Mon 11 … Fri 15 Oct.
    assert after[0]["due_date"] == "2027-10-15" == response.json()["next_report_due"]
    assert post(head, pid, "resume", {"reason": "Lần nữa"}).status_code == 409

    # Completion on Friday 27 August: results report due 5 working days later.
    clock.move(D(2027, 8, 27))
    assert post(head, pid, "complete").status_code == 403
    response = post(cadre2, pid, "complete")
    assert response.status_code == 200 and response.json()["status"] == "completed"
    assert response.json()["next_report_due"] is None  # no progress report is due once it is over
    # By hand: Mon 30, Tue 31 Aug, Wed 1 Sep, (2–3 Sep National Day), Mon 6, Tue 7 Sep.
    assert response.json()["results_report_due"] == iso(add_working_days(D(2027, 8, 27), 5)) == "2027-09-07"
    assert post(cadre, pid, "reports", report("2027-10-10", 90)).status_code == 409
    assert post(head, pid, "evaluate", {"outcome": "completed", "party_opinion": "x"}).status_code == 409

    # Results report on Wednesday 1 September: the evaluation is due 7 working days later.
    clock.move(D(2027, 9, 1))
    response = post(
        cadre,
        pid,
        "results-report",
        {"summary": "Kết quả", "indicator_values": [{"name": FIRST, "value": 22}]},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "under_evaluation" and actual(response.json(), FIRST) == 22
    # By hand: (2–3 Sep off) Mon 6 … Fri 10, Mon 13, Tue 14 Sep.
    assert response.json()["evaluation_due"] == iso(add_working_days(D(2027, 9, 1), 7)) == "2027-09-14"

    # Evaluation on Wednesday 8 September: not completed, with damage → one outcome case.
    clock.move(D(2027, 9, 8))
    evaluation = {
        "outcome": "not_completed", "damage": True, "damage_vnd": 10_000_000,
        "objective_causes": "Hệ thống liên thông chậm", "subjective_causes": "Phối hợp chưa tốt",
        "party_opinion": "Đảng ủy Sở thống nhất đánh giá",
    }  # fmt: skip
    assert post(cadre, pid, "evaluate", evaluation).status_code == 403
    response = post(head, pid, "evaluate", evaluation)
    assert response.status_code == 200, response.json()
    done = response.json()
    assert (done["status"], done["outcome"], done["damage"], done["damage_vnd"]) == (
        "evaluated", "not_completed", True, 10_000_000,
    )  # fmt: skip
    assert done["next_report_due"] is None
    listed = browser_list(people["head_a"], pid)
    assert listed.next_report_due is None
    cases = head.get(f"/api/v1/cases/?pilot={pid}").json()
    assert cases["count"] == 1
    case = cases["results"][0]
    assert set(case) == CASE_FIELDS
    assert (case["pilot"], case["proposal"], case["kind"], case["status"], case["subject"]) == (
        pid, proposal.pk, "outcome", "open", "cadre_a",
    )  # fmt: skip
    assert case["opened_at"].startswith("2027-09-08")
    assert post(head, pid, "evaluate", evaluation).status_code == 409
    assert head.get(f"/api/v1/cases/?pilot={pid}").json()["count"] == 1


def test_each_corrective_action_can_be_found_through_the_api_to_close_it(people, as_):
    """The close endpoint takes a corrective action's id: the API must hand it out somewhere."""
    pilot = created(as_, make_proposal(people["cadre_a"], "approved"))
    inspector = as_("inspector")
    response = post(
        inspector, pilot["id"], "inspections",
        {"findings": "Chậm", "severity": "minor", "corrective_actions": "Bổ sung", "due_date": "2027-01-15"},
    )  # fmt: skip
    assert response.status_code == 201
    corrective = CorrectiveAction.objects.get()

    def holds_the_action(value) -> bool:
        if isinstance(value, dict):
            if value.get("id") == corrective.pk and value.get("due_date") == "2027-01-15":
                return True
            return any(holds_the_action(v) for v in value.values())
        if isinstance(value, list):
            return any(holds_the_action(v) for v in value)
        return False

    shown = [response.json(), inspector.get(f"/api/v1/pilots/{pilot['id']}/inspections/").json()]
    assert any(holds_the_action(value) for value in shown), shown


# --- The accountability case of an evaluation --------------------------------------------------------


def evaluated(as_, people, outcome: str) -> int:
    pid = created(as_, make_proposal(people["cadre_a"], "approved"))["id"]
    assert post(as_("cadre_a"), pid, "complete").status_code == 200
    assert post(as_("cadre_a"), pid, "results-report", {"summary": "Kết quả"}).status_code == 200
    response = post(
        as_("head_a"), pid, "evaluate",
        {"outcome": outcome, "objective_causes": "Nguyên nhân khách quan", "party_opinion": "Thống nhất"},
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    return pid


@pytest.mark.parametrize("outcome", ["partially_completed", "not_completed"])
def test_an_evaluation_short_of_completed_opens_exactly_one_case(people, as_, outcome):
    pid = evaluated(as_, people, outcome)
    for username in ("head_a", "cadre_a", "head_top", "inspector"):
        listing = as_(username).get(f"/api/v1/cases/?pilot={pid}").json()
        assert listing["count"] == 1, username
        case = listing["results"][0]
        # whoever opened a case is not shown to its subject (CONTRACT: Accountability)
        assert set(case) == CASE_FIELDS - ({"opened_by"} if username == "cadre_a" else set())
        assert (case["pilot"], case["kind"], case["status"], case["subject"]) == (
            pid,
            "outcome",
            "open",
            "cadre_a",
        )
        assert case["proposal"] == Pilot.objects.get(pk=pid).proposal_id
        assert case["opened_at"].startswith("2027-01-04")
    # An outcome case is seen by the same people as its pilot (CONTRACT), so by cadre_a2, who
    # carries it out with cadre_a; not by outsiders.
    assert as_("cadre_a2").get(f"/api/v1/cases/?pilot={pid}").json()["count"] == 1
    for outsider in ("head_b", "cadre_b"):
        assert as_(outsider).get(f"/api/v1/cases/?pilot={pid}").json()["count"] == 0
    again = post(as_("head_a"), pid, "evaluate", {"outcome": "completed", "party_opinion": "Lại"})
    assert again.status_code == 409 and "detail" in again.json()
    assert Case.objects.filter(pilot_id=pid).count() == 1
    assert Pilot.objects.get(pk=pid).outcome == outcome


def test_a_completed_evaluation_opens_no_case(people, as_):
    pid = evaluated(as_, people, "completed")
    assert as_("head_a").get(f"/api/v1/cases/?pilot={pid}").json()["count"] == 0
    assert not Case.objects.exists()
    assert post(as_("head_a"), pid, "evaluate", {"outcome": "not_completed", "party_opinion": "x",
                                                 "objective_causes": "x"}).status_code == 409  # fmt: skip
    assert not Case.objects.exists()


def test_an_outcome_short_of_completed_needs_its_causes(people, as_):
    pid = created(as_, make_proposal(people["cadre_a"], "approved"))["id"]
    post(as_("cadre_a"), pid, "complete")
    post(as_("cadre_a"), pid, "results-report", {"summary": "Kết quả"})
    response = post(as_("head_a"), pid, "evaluate", {"outcome": "not_completed", "party_opinion": "x"})
    assert response.status_code == 400 and "objective_causes" in response.json()
    response = post(as_("head_a"), pid, "evaluate", {"outcome": "completed"})
    assert response.status_code == 400 and "party_opinion" in response.json()
    assert not Case.objects.exists() and Pilot.objects.get(pk=pid).status == "under_evaluation"


# --- Who creates a pilot, and when ---------------------------------------------------------------------


def test_only_the_head_who_approved_creates_the_pilot(people, as_):
    proposal = make_proposal(people["cadre_a"], "approved")
    for username, code in [
        ("head_top", 403), ("cadre_a", 403), ("deputy_a", 403), ("inspector", 403), ("orgcom", 403),
        ("head_b", 404), ("cadre_b", 404), ("cadre_a2", 404),
    ]:  # fmt: skip
        response = as_(username).post("/api/v1/pilots/", body(proposal.pk), format="json")
        assert response.status_code == code, username
    assert not Pilot.objects.exists()
    pilot = created(as_, proposal)
    assert pilot["status"] == "active" and pilot["proposal"] == proposal.pk
    assert pilot["next_report_due"] == iso(add_working_days(D(2027, 2, 3), 5)) == "2027-02-17"
    response = as_("head_a").post("/api/v1/pilots/", body(proposal.pk), format="json")
    assert response.status_code == 409 and "detail" in response.json()
    assert Pilot.objects.count() == 1


def test_a_pilot_starting_in_the_future_is_planned(people, as_):
    pilot = created(as_, make_proposal(people["cadre_a"], "approved"), start_date="2027-01-05")
    assert pilot["status"] == "planned"
    assert post(as_("cadre_a"), pilot["id"], "reports", report("2027-02-04", 5)).status_code == 409
    assert post(as_("cadre_a"), pilot["id"], "complete").status_code == 409


@pytest.mark.parametrize(
    "state", ["draft", "submitted", "returned", "collective_rejected", "rejected", "withdrawn"]
)
def test_only_an_approved_proposal_becomes_a_pilot(people, as_, state):
    proposal = make_proposal(people["cadre_a"], state)
    response = as_("head_a").post("/api/v1/pilots/", body(proposal.pk), format="json")
    # A draft is the author's alone: 404 to the head.
    assert response.status_code in ((404,) if state == "draft" else (409,)), response.json()
    assert not Pilot.objects.exists()


def test_a_proposal_approved_by_the_heads_override_becomes_a_pilot(people, as_):
    pilot = created(as_, make_proposal(people["cadre_a"], "approved_by_head"))
    assert pilot["status"] == "active"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2027-01-03"}, "end_date"),
        ({"budget_vnd": -1}, "budget_vnd"),
        ({"start_date": "04/01/2027"}, "start_date"),
        ({"report_frequency": "weekly"}, "report_frequency"),
        ({"implementers": ["cadre_a", "ghost"]}, "implementers"),
        ({"indicators": [{"name": "x", "baseline": "abc", "target": 1}]}, "indicators"),
    ],
)
def test_bad_pilot_input_is_a_400_naming_the_field(people, as_, overrides, field):
    proposal = make_proposal(people["cadre_a"], "approved")
    response = as_("head_a").post("/api/v1/pilots/", body(proposal.pk, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Pilot.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"progress_percent": -1}, "progress_percent"),
        ({"progress_percent": 101}, "progress_percent"),
        ({"progress_percent": None}, "progress_percent"),
        ({"spending_vnd": -1}, "spending_vnd"),
        ({"summary": ""}, "summary"),
        ({"indicator_values": [{"name": "Không có", "value": 1}]}, "indicator_values"),
    ],
)
def test_a_bad_progress_report_is_a_400_naming_the_field(people, as_, change, field):
    pid = created(as_, make_proposal(people["cadre_a"], "approved"))["id"]
    response = post(as_("cadre_a"), pid, "reports", {**report("2027-02-03", 20), **change})
    assert response.status_code == 400
    assert field in response.json()
    assert rows(as_("cadre_a"), pid, "submitted") == []
    assert look(as_("cadre_a"), pid)["progress_percent"] == 0


def test_bad_adjustments_are_400s(people, as_):
    pid = created(as_, make_proposal(people["cadre_a"], "approved"))["id"]
    head = as_("head_a")
    assert "end_date" in post(head, pid, "adjust", {"reason": "x", "end_date": "2026-12-31"}).json()
    assert "budget_vnd" in post(head, pid, "adjust", {"reason": "x", "budget_vnd": -5}).json()
    assert "reason" in post(head, pid, "adjust", {"budget_vnd": 5}).json()
    assert PlanVersion.objects.filter(pilot_id=pid).count() == 1
    response = post(head, pid, "adjust", {"reason": "Rút ngắn", "end_date": "2027-03-31"})
    assert response.status_code == 200 and response.json()["end_date"] == "2027-03-31"
    assert rows(head, pid)[-1]["period_end"] == "2027-03-31"
    assert PlanVersion.objects.filter(pilot_id=pid).count() == 2


def test_one_pilot_reads_as_it_does_in_the_list(people, as_):
    pid = created(as_, make_proposal(people["cadre_a"], "approved"))["id"]
    post(as_("cadre_a"), pid, "reports", report("2027-02-03", 20, **{FIRST: 30}))
    for username in ("head_a", "cadre_a", "inspector"):
        one = as_(username).get(f"/api/v1/pilots/{pid}/")
        assert one.status_code == 200
        assert one.json() == look(as_(username), pid), username
        assert actual(one.json(), FIRST) == 30


def test_correcting_an_earlier_report_does_not_roll_the_pilot_back(clock, people, as_):
    """The pilot's progress and each indicator's actual come from the latest report: correcting
    January's figures in March leaves February's standing."""
    pid = created(as_, make_proposal(people["cadre_a"], "approved"))["id"]
    cadre, head = as_("cadre_a"), as_("head_a")
    clock.move(D(2027, 2, 4))
    january = post(cadre, pid, "reports", report("2027-02-03", 20, **{FIRST: 40})).json()
    clock.move(D(2027, 3, 4))
    assert post(cadre, pid, "reports", report("2027-03-03", 45, **{FIRST: 30})).status_code == 201
    assert (
        post(head, pid, f"reports/{january['id']}/review", {"accept": False, "note": "Sai số"}).status_code
        == 200
    )
    assert post(cadre, pid, "reports", report("2027-02-03", 22, **{FIRST: 39})).json()["id"] == january["id"]
    now = look(head, pid)
    assert (now["progress_percent"], actual(now, FIRST)) == (45, 30)


def test_an_indicator_s_numbers_are_all_json_numbers(people, as_):
    """baseline and target are numbers; the actual value next to them should be one too."""
    pid = created(as_, make_proposal(people["cadre_a"], "approved"))["id"]
    response = post(as_("cadre_a"), pid, "complete")
    response = post(
        as_("cadre_a"),
        pid,
        "results-report",
        {"summary": "x", "indicator_values": [{"name": FIRST, "value": 22}]},
    )
    indicator = next(i for i in response.json()["indicators"] if i["name"] == FIRST)
    assert isinstance(indicator["target"], int | float)
    assert isinstance(indicator["actual"], int | float), indicator
    assert indicator["actual"] == 22


def test_the_list_filters_by_status(people, as_):
    active = created(as_, make_proposal(people["cadre_a"], "approved"))
    planned = created(as_, make_proposal(people["cadre_a"], "approved"), start_date="2027-02-01")
    head = as_("head_a")
    ids = lambda url: [p["id"] for p in head.get(url).json()["results"]]  # noqa: E731
    assert set(ids("/api/v1/pilots/")) == {active["id"], planned["id"]}
    assert ids("/api/v1/pilots/?status=planned") == [planned["id"]]
    assert ids("/api/v1/pilots/?status=active") == [active["id"]]
    assert as_("head_b").get("/api/v1/pilots/").json()["count"] == 0
