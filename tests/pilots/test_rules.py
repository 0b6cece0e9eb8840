"""Who may see and do what with a pilot, and in which state — the same answers from the pages and
the API: 404 for whoever may not see it, 403 for the wrong role, 409 for the wrong state; the
inspector assigned to one pilot; separation of duties; and the reporting schedule's shape."""

from __future__ import annotations

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import constants as message_levels
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountability.models import Case
from pilots import services
from pilots.models import CorrectiveAction, Inspection, Pilot, ProgressReport
from pilots.services._base import _periods
from portal.errors import IncompleteInput
from portal.models import Unit, User
from portal.permissions import grant
from portal.workdays import add_working_days
from tests.proposals.conftest import make_proposal

D = datetime.date
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = D(2027, 1, 4)  # a Monday
INDICATORS = [{"name": "Thời gian xử lý hồ sơ", "unit": "ngày", "baseline": 45, "target": 15}]


@pytest.fixture
def people(db):
    """The demo organisation seeded on Monday 4 January 2027, the clock stopped there."""
    traveller = time_machine.travel(
        datetime.datetime.combine(TODAY, datetime.time(9), tzinfo=HANOI), tick=False
    )
    traveller.start()
    call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
    yield {user.username: user for user in User.objects.select_related("unit")}
    traveller.stop()


def new_pilot(
    people, *, author="cadre_a", implementers=("cadre_a", "cadre_a2"), start=TODAY, **extra
) -> Pilot:
    proposal = make_proposal(people[author], "approved", **extra)
    return services.pilot_create(
        actor=_reviewing_head(people, proposal),
        proposal=proposal, start_date=start, end_date=D(2027, 6, 30),
        implementers=[people[name] for name in implementers], indicators=INDICATORS,
    )  # fmt: skip


def _reviewing_head(people, proposal) -> User:
    return people["head_a"] if proposal.reviewer_unit.code == "SKHDT" else people["head_b"]


def walk_to(people, pilot: Pilot, state: str) -> Pilot:
    """Take a new (active) pilot of head_a's unit to `state` through the services."""
    head, cadre = people["head_a"], people["cadre_a"]
    if state in ("suspended",):
        services.pilot_suspend(actor=head, pilot=pilot, reason="Tạm dừng")
    if state == "terminated":
        services.pilot_terminate(actor=head, pilot=pilot, reason="Chấm dứt")
    if state in ("completed", "under_evaluation", "evaluated"):
        services.pilot_complete(actor=cadre, pilot=pilot)
    if state in ("under_evaluation", "evaluated"):
        services.pilot_results_report(actor=cadre, pilot=pilot, summary="Kết quả")
    if state == "evaluated":
        services.pilot_evaluate(
            actor=head, pilot=pilot, outcome="completed", damage=False, objective_causes="",
            subjective_causes="", party_opinion="Thống nhất",
        )  # fmt: skip
    pilot.refresh_from_db()
    assert pilot.status == state
    return pilot


@pytest.fixture
def pilot_in(people):
    def build(state: str = "active", **options) -> Pilot:
        if state == "planned":
            return new_pilot(people, start=D(2027, 2, 1), **options)
        return walk_to(people, new_pilot(people, **options), state)

    return build


# The action as the API and as the page take it: (API path, JSON body, page form).
ACTIONS = {
    "report": ("reports", {"period_end": "2027-02-03", "summary": "x", "progress_percent": 10},
               {"period_end": "03/02/2027", "summary": "x", "progress_percent": "10"}),
    "inspect": ("inspections", {"findings": "x", "severity": "none"}, {"findings": "x", "severity": "none"}),
    "adjust": ("adjust", {"reason": "x", "budget_vnd": 1},
               {"reason": "x", "start_date": "04/01/2027", "end_date": "30/06/2027",
                "report_frequency": "monthly", "budget_vnd": "1"}),
    "suspend": ("suspend", {"reason": "x"}, {"reason": "x"}),
    "resume": ("resume", {"reason": "x"}, {"reason": "x"}),
    "terminate": ("terminate", {"reason": "x"}, {"reason": "x"}),
    "complete": ("complete", {}, {}),
    "results-report": ("results-report", {"summary": "x"}, {"summary": "x"}),
    "evaluate": ("evaluate", {"outcome": "completed", "party_opinion": "x"},
                 {"outcome": "completed", "party_opinion": "x"}),
}  # fmt: skip


def by_api(api, user: User, pilot: Pilot, action: str):
    path, body, _form = ACTIONS[action]
    return api(user).post(f"/api/v1/pilots/{pilot.pk}/{path}/", body, format="json")


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def by_page(user: User, pilot: Pilot, action: str):
    return browser(user).post(f"/pilots/{pilot.pk}/{action}/", ACTIONS[action][2])


def trace(pilot: Pilot) -> tuple:
    """What a refused action must leave untouched."""
    pilot.refresh_from_db()
    return (
        pilot.status, pilot.budget_vnd, pilot.progress_percent, pilot.transitions.count(),
        pilot.reports.exclude(status="due").count(), pilot.inspections.count(), pilot.versions.count(),
    )  # fmt: skip


# --- 403: seen, but not theirs to do ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "username", "action"),
    [
        ("active", "cadre_a2", "adjust"),  # an implementer directs nothing
        ("active", "cadre_a2", "suspend"),
        ("active", "cadre_a", "terminate"),
        ("suspended", "cadre_a", "resume"),
        ("under_evaluation", "cadre_a2", "evaluate"),
        ("active", "head_a", "report"),  # the head does not report
        ("active", "head_a", "complete"),
        ("completed", "head_a", "results-report"),
        ("active", "cadre_a", "inspect"),  # cadres and heads are no inspectors
        ("active", "deputy_a", "inspect"),
        ("active", "head_a", "inspect"),
        ("active", "head_top", "adjust"),  # the parent unit's head sees, but did not approve
        ("under_evaluation", "head_top", "evaluate"),
        ("active", "deputy_a", "suspend"),
        ("active", "orgcom", "terminate"),
        ("active", "inspector", "report"),
        ("under_evaluation", "inspector", "evaluate"),
    ],
)
def test_the_wrong_role_gets_403_from_page_and_api(api, people, pilot_in, state, username, action):
    pilot = pilot_in(state)
    before = trace(pilot)
    assert by_page(people[username], pilot, action).status_code == 403
    assert by_api(api, people[username], pilot, action).status_code == 403
    assert trace(pilot) == before


def test_only_the_approving_head_reviews_and_only_inspectors_or_the_head_close(api, people, pilot_in):
    pilot = pilot_in("active")
    report = services.report_submit(
        actor=people["cadre_a"], pilot=pilot, period_end=D(2027, 2, 3), summary="x", progress_percent=10
    )
    for username in ("deputy_a", "cadre_a", "cadre_a2", "head_top", "inspector"):
        response = api(people[username]).post(
            f"/api/v1/pilots/{pilot.pk}/reports/{report.pk}/review/", {"accept": True}, format="json"
        )
        assert response.status_code == 403, username
        page = browser(people[username]).post(
            f"/pilots/{pilot.pk}/review/", {"report": report.pk, "accept": "true"}
        )
        assert page.status_code == 403, username
    report.refresh_from_db()
    assert report.status == "submitted"
    # Asking for a correction needs the reason.
    response = api(people["head_a"]).post(
        f"/api/v1/pilots/{pilot.pk}/reports/{report.pk}/review/", {"accept": False}, format="json"
    )
    assert response.status_code == 400 and "note" in response.json()
    # A report nobody has handed in cannot be reviewed.
    due = pilot.reports.filter(status="due").first()
    response = api(people["head_a"]).post(
        f"/api/v1/pilots/{pilot.pk}/reports/{due.pk}/review/", {"accept": True}, format="json"
    )
    assert response.status_code == 409

    inspection = services.inspection_record(
        actor=people["inspector"], pilot=pilot, findings="x", severity="minor",
        corrective_actions="Sửa", due_date=D(2027, 1, 20),
    )  # fmt: skip
    action = inspection.actions.get()
    for username in ("cadre_a", "cadre_a2", "deputy_a"):
        response = api(people[username]).post(
            f"/api/v1/pilots/{pilot.pk}/corrective-actions/{action.pk}/close/", {"note": "x"}, format="json"
        )
        assert response.status_code == 403, username
        page = browser(people[username]).post(
            f"/pilots/{pilot.pk}/close-action/", {"action": action.pk, "note": "x"}
        )
        assert page.status_code == 403, username
    response = browser(people["head_a"]).post(
        f"/pilots/{pilot.pk}/close-action/", {"action": action.pk, "note": "Xong"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.closed_by, action.closed_on) == (people["head_a"], TODAY)


# --- 409: the right person, the wrong moment --------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "username", "action"),
    [
        ("active", "head_a", "resume"),
        ("suspended", "cadre_a", "complete"),
        ("suspended", "cadre_a", "report"),
        ("suspended", "head_a", "suspend"),
        ("completed", "cadre_a", "report"),
        ("completed", "head_a", "evaluate"),
        ("completed", "head_a", "adjust"),
        ("active", "head_a", "evaluate"),
        ("active", "cadre_a", "results-report"),
        ("planned", "cadre_a", "report"),
        ("planned", "cadre_a", "complete"),
        ("under_evaluation", "cadre_a", "results-report"),
        ("under_evaluation", "head_a", "terminate"),
        ("evaluated", "head_a", "evaluate"),
        ("evaluated", "inspector", "inspect"),
        ("terminated", "head_a", "resume"),
        ("terminated", "cadre_a", "complete"),
    ],
)
def test_the_wrong_state_gets_409_from_page_and_api(api, people, pilot_in, state, username, action):
    pilot = pilot_in(state)
    before = trace(pilot)
    page = by_page(people[username], pilot, action)
    assert page.status_code == 409
    assert 'role="alert"' in page.content.decode()
    response = by_api(api, people[username], pilot, action)
    assert response.status_code == 409 and response.json()["detail"]
    assert trace(pilot) == before


def test_one_pilot_per_proposal_and_only_for_an_approved_one(api, people, pilot_in):
    pilot = pilot_in("active")
    head = people["head_a"]
    body = {"proposal": pilot.proposal_id, "start_date": "2027-01-04", "end_date": "2027-06-30"}
    response = api(head).post("/api/v1/pilots/", body, format="json")
    assert response.status_code == 409 and response.json()["detail"]
    form = {"start_date": "04/01/2027", "end_date": "30/06/2027", "report_frequency": "monthly",
            "budget_vnd": "0"}  # fmt: skip
    response = browser(head).post(f"/pilots/new/{pilot.proposal_id}/", form, follow=True)
    assert response.redirect_chain[-1][0] == f"/proposals/{pilot.proposal_id}/"
    assert [m.level for m in response.context["messages"]] == [message_levels.ERROR]
    assert Pilot.objects.count() == 1

    submitted = make_proposal(people["cadre_a"], "submitted")
    response = api(head).post("/api/v1/pilots/", {**body, "proposal": submitted.pk}, format="json")
    assert response.status_code == 409
    response = browser(head).post(f"/pilots/new/{submitted.pk}/", form, follow=True)
    assert [m.level for m in response.context["messages"]] == [message_levels.ERROR]
    assert Pilot.objects.count() == 1


def test_only_the_approving_head_opens_the_create_page(people):
    proposal = make_proposal(people["cadre_a"], "approved")
    for username, code in [("head_a", 200), ("head_top", 403), ("cadre_a", 403), ("deputy_a", 403),
                           ("head_b", 404), ("cadre_b", 404), ("cadre_a2", 404)]:  # fmt: skip
        assert browser(people[username]).get(f"/pilots/new/{proposal.pk}/").status_code == code, username
        response = browser(people[username]).post(f"/pilots/new/{proposal.pk}/", {})
        assert response.status_code == (400 if code == 200 else code), username
    assert not Pilot.objects.exists()


# --- 404: not theirs to see -----------------------------------------------------------------------


@pytest.mark.parametrize("username", ["cadre_b", "head_b", "cadre_a2"])
def test_outsiders_get_404_everywhere(api, people, pilot_in, username):
    pilot = pilot_in("active", implementers=("cadre_a",))  # cadre_a2 is no implementer here
    person = people[username]
    client = browser(person)
    assert client.get(f"/pilots/{pilot.pk}/").status_code == 404
    for action in ("report", "inspect", "adjust", "suspend", "complete", "review", "close-action"):
        assert client.post(f"/pilots/{pilot.pk}/{action}/", {"reason": "x"}).status_code == 404, action
    assert pilot not in client.get("/pilots/").context["page"]
    caller = api(person)
    assert caller.get(f"/api/v1/pilots/{pilot.pk}/").status_code == 404
    assert caller.get(f"/api/v1/pilots/{pilot.pk}/reports/").status_code == 404
    assert caller.get(f"/api/v1/pilots/{pilot.pk}/inspections/").status_code == 404
    for action in ACTIONS:
        assert by_api(api, person, pilot, action).status_code == 404, action
    assert caller.get("/api/v1/pilots/").json()["count"] == 0
    assert caller.get("/api/v1/pilots/999999/").status_code == 404


def test_the_visible_people_see_the_pilot(api, people, pilot_in):
    pilot = pilot_in("active", implementers=("cadre_a2",))  # the author sees it without implementing
    for username in ("cadre_a", "cadre_a2", "head_a", "deputy_a", "head_top", "inspector", "orgcom"):
        assert browser(people[username]).get(f"/pilots/{pilot.pk}/").status_code == 200, username
        assert api(people[username]).get(f"/api/v1/pilots/{pilot.pk}/").status_code == 200, username


# --- Inspectors ----------------------------------------------------------------------------------


def test_an_inspector_assigned_to_one_pilot_sees_and_inspects_only_that_one(api, people, pilot_in):
    assigned, other = pilot_in("active"), pilot_in("active", title="Một đề xuất khác của Sở")
    skhdt = Unit.objects.get(code="SKHDT")
    checker = User.objects.create_user(
        username="thanhtra_rieng", email="tt@example.org", full_name="Ngô Văn Tín", unit=skhdt
    )
    grant(checker, "view_pilot", assigned)
    grant(checker, "inspect_pilot", assigned)
    caller, client = api(checker), browser(checker)

    assert [p["id"] for p in caller.get("/api/v1/pilots/").json()["results"]] == [assigned.pk]
    assert list(client.get("/pilots/").context["page"]) == [assigned]
    assert caller.get(f"/api/v1/pilots/{other.pk}/").status_code == 404
    assert client.get(f"/pilots/{other.pk}/").status_code == 404
    assert by_api(api, checker, other, "inspect").status_code == 404
    assert caller.get("/api/v1/proposals/").json()["count"] == 0
    assert caller.get(f"/api/v1/proposals/{other.proposal_id}/").status_code == 404
    assert client.get(f"/proposals/{other.proposal_id}/").status_code == 404

    page = client.get(f"/pilots/{assigned.pk}/")
    assert page.status_code == 200 and set(page.context["action_forms"]) == {"inspect"}
    response = caller.post(
        f"/api/v1/pilots/{assigned.pk}/inspections/",
        {"findings": "Đúng tiến độ", "severity": "none"}, format="json",
    )  # fmt: skip
    assert response.status_code == 201 and response.json()["inspector"] == "thanhtra_rieng"
    response = client.post(
        f"/pilots/{assigned.pk}/inspect/",
        {"findings": "Thiếu biên bản", "severity": "minor", "corrective_actions": "Lập biên bản",
         "due_date": "11/01/2027"},
    )  # fmt: skip
    assert response.status_code == 302
    action = CorrectiveAction.objects.get(inspection__pilot=assigned)
    response = client.post(f"/pilots/{assigned.pk}/close-action/", {"action": action.pk, "note": "Đã lập"})
    assert response.status_code == 302
    assert Inspection.objects.filter(pilot=assigned, inspector=checker).count() == 2
    assert not Inspection.objects.filter(pilot=other).exists()
    # Seeing alone is not inspecting.
    viewer = User.objects.create_user(
        username="chi_xem", email="x@example.org", full_name="Chỉ Xem", unit=skhdt
    )
    grant(viewer, "view_pilot", assigned)
    assert by_api(api, viewer, assigned, "inspect").status_code == 403
    assert by_page(viewer, assigned, "inspect").status_code == 403


def test_the_unit_wide_inspector_inspects_any_pilot_under_the_province(api, people, pilot_in):
    skhdt = pilot_in("active")
    snv = new_pilot(people, author="cadre_b", implementers=("cadre_b",))
    assert snv.unit.code == "SNV"
    for pilot in (skhdt, snv):
        assert by_api(api, people["inspector"], pilot, "inspect").status_code == 201
        assert by_page(people["inspector"], pilot, "inspect").status_code == 302
        assert pilot.inspections.count() == 2
    assert by_api(api, people["head_b"], skhdt, "inspect").status_code == 404
    assert by_api(api, people["head_a"], snv, "inspect").status_code == 404


def test_nobody_inspects_a_pilot_they_carry_out(api, people, pilot_in):
    pilot = pilot_in("active", implementers=("cadre_a", "inspector"))
    assert by_api(api, people["inspector"], pilot, "inspect").status_code == 403
    assert by_page(people["inspector"], pilot, "inspect").status_code == 403
    assert not pilot.inspections.exists()


def test_a_corrective_action_cannot_be_due_in_the_past(api, people, pilot_in):
    pilot = pilot_in("active")
    body = {"findings": "x", "severity": "major", "corrective_actions": "Sửa", "due_date": "2027-01-01"}
    response = api(people["inspector"]).post(f"/api/v1/pilots/{pilot.pk}/inspections/", body, format="json")
    assert response.status_code == 400 and "due_date" in response.json()
    body.pop("due_date")
    response = api(people["inspector"]).post(f"/api/v1/pilots/{pilot.pk}/inspections/", body, format="json")
    assert response.status_code == 400 and "due_date" in response.json()
    response = api(people["inspector"]).post(
        f"/api/v1/pilots/{pilot.pk}/inspections/", {**body, "severity": "grave"}, format="json"
    )
    assert response.status_code == 400 and "severity" in response.json()
    assert not Inspection.objects.exists()


# --- A terminated pilot is evaluated too ----------------------------------------------------------


def test_a_terminated_pilot_reports_its_results_and_is_evaluated(api, people, pilot_in):
    pilot = pilot_in("active")
    head, cadre = api(people["head_a"]), api(people["cadre_a"])
    response = head.post(
        f"/api/v1/pilots/{pilot.pk}/terminate/", {"reason": "Vượt thẩm quyền"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "terminated"
    # By hand: Mon 4 Jan 2027 → Tue 5 … Mon 11 Jan.
    assert response.json()["results_report_due"] == add_working_days(TODAY, 5).isoformat() == "2027-01-11"
    listed = browser(people["cadre_a"]).get("/pilots/reports-due/").context
    assert list(listed["results"]) == [pilot] and list(listed["reports"]) == []
    response = cadre.post(
        f"/api/v1/pilots/{pilot.pk}/results-report/", {"summary": "Dừng sớm"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "under_evaluation"
    assert response.json()["evaluation_due"] == "2027-01-13"  # Tue 5 … Wed 13 Jan: 7 working days
    response = head.post(
        f"/api/v1/pilots/{pilot.pk}/evaluate/",
        {"outcome": "not_completed", "objective_causes": "Chính sách thay đổi", "party_opinion": "Đồng ý"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "evaluated"
    assert Case.objects.filter(pilot=pilot, kind="outcome").count() == 1


# --- The reporting schedule ------------------------------------------------------------------------


@given(
    start=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    days=st.integers(min_value=0, max_value=3 * 366),
    frequency=st.sampled_from(["monthly", "quarterly"]),
)
def test_the_reporting_periods_cover_the_plan_without_gaps_or_overlaps(start, days, frequency):
    end = start + datetime.timedelta(days=days)
    periods = _periods(start, end, frequency)
    assert periods[0][0] == start and periods[-1][1] == end
    for (_s1, e1), (s2, _e2) in itertools.pairwise(periods):
        assert s2 == e1 + datetime.timedelta(days=1)
    assert all(s <= e for s, e in periods)
    months = 1 if frequency == "monthly" else 3
    assert len(periods) <= days // (28 * months) + 2


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(progress=st.one_of(st.integers(max_value=-1), st.integers(min_value=101)))
def test_any_progress_outside_0_to_100_is_refused(api, people, progress):
    pilot = Pilot.objects.first() or new_pilot(people)
    response = api(people["cadre_a"]).post(
        f"/api/v1/pilots/{pilot.pk}/reports/",
        {"period_end": "2027-02-03", "summary": "x", "progress_percent": progress},
        format="json",
    )
    assert response.status_code == 400 and "progress_percent" in response.json()
    assert not ProgressReport.objects.exclude(status="due").exists()
    with pytest.raises(IncompleteInput):
        services.report_submit(
            actor=people["cadre_a"], pilot=pilot, period_end=D(2027, 2, 3), summary="x",
            progress_percent=progress,
        )  # fmt: skip
    pilot.refresh_from_db()
    assert pilot.progress_percent == 0


@pytest.mark.parametrize("end", ["complete", "terminate"])
def test_a_pilot_that_ends_owes_no_report_for_the_periods_to_come(people, end):
    """Begun in November, a monthly pilot has November's and December's periods behind it on
    4 January (one reported, one not), January's begun and February's to June's ahead. Completed or
    terminated, it still owes December's — overdue — and January's, and no longer the five to
    come, which the report's "reports overdue" and the pilot's page would otherwise show once
    their dates pass."""
    pilot = new_pilot(people, start=D(2026, 11, 1))
    november = pilot.reports.get(period_end=D(2026, 11, 30))
    services.report_submit(actor=people["cadre_a"], pilot=pilot, period_end=november.period_end,
                           summary="Tháng 11", progress_percent=20)  # fmt: skip
    assert pilot.reports.filter(status="due", period_start__gt=TODAY).count() == 5
    if end == "complete":
        services.pilot_complete(actor=people["cadre_a"], pilot=pilot)
    else:
        services.pilot_terminate(actor=people["head_a"], pilot=pilot, reason="Chấm dứt")
    assert list(pilot.reports.order_by("period_end").values_list("period_end", "status")) == [
        (D(2026, 11, 30), "submitted"), (D(2026, 12, 31), "due"), (D(2027, 1, 31), "due"),
    ]  # fmt: skip
    gone = ProgressReport.history.filter(pilot_id=pilot.pk, history_type="-")
    assert gone.count() == 5 and {entry.history_change_reason.split(" by ")[0] for entry in gone} == {
        "pilot completed" if end == "complete" else "pilot terminated"
    }
