"""Separation of duties on pilots: a head who carries a pilot out neither directs nor evaluates
it (the superior unit's head does), the collective evaluates it with the same roll rules as a
decision, an inspector can be assigned to one pilot alone (never an implementer), and the plan's
versions and the pilot's history are in the API."""

from __future__ import annotations

import pytest

from pilots.models import Pilot
from portal.models import Notification
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal

API = "/api/v1/pilots/"
EVALUATION = {
    "outcome": "completed",
    "damage": False,
    "objective_causes": "",
    "subjective_causes": "",
    "party_opinion": "Đảng ủy thống nhất đánh giá.",
}


@pytest.fixture
def as_(demo, api):
    return lambda username: api(demo[username])


def post(client, pid: int, action: str, data: dict | None = None):
    return client.post(f"{API}{pid}/{action}/", data or {}, format="json")


def create(as_, proposal, **overrides) -> dict:
    response = as_("head_a").post(API, pilot_body(proposal.pk, **overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def to_evaluation(as_, pid: int) -> None:
    implementer = as_("cadre_a")
    assert post(implementer, pid, "complete").status_code == 200
    assert post(implementer, pid, "results-report", {"summary": "Đạt mục tiêu."}).status_code == 200


# --- A head who implements the pilot does not direct or evaluate it ------------------------------


def test_a_head_who_implements_the_pilot_cannot_direct_or_evaluate_it_the_parent_head_does(
    demo, as_, approved
):
    pilot = create(as_, approved, implementers=["cadre_a", "head_a"])
    pid = pilot["id"]
    assert Pilot.objects.get(pk=pid).directing_unit.code == "UBND"
    head_a, head_top = as_("head_a"), as_("head_top")

    assert post(head_a, pid, "suspend", {"reason": "Tạm dừng."}).status_code == 403
    assert post(head_a, pid, "adjust", {"reason": "Đổi", "budget_vnd": 1}).status_code == 403
    assert post(head_top, pid, "suspend", {"reason": "Rà soát lại."}).status_code == 200
    assert post(head_top, pid, "resume", {"reason": "Tiếp tục."}).status_code == 200

    to_evaluation(as_, pid)
    # The hole: head_a evaluated a pilot they implement (200).
    assert post(head_a, pid, "evaluate", EVALUATION).status_code == 403
    evaluated = post(head_top, pid, "evaluate", EVALUATION)
    assert evaluated.status_code == 200, evaluated.content
    assert evaluated.json()["status"] == "evaluated"


def test_the_pilot_page_says_why_the_superior_unit_directs_it(client, demo, as_, approved):
    pid = create(as_, approved, implementers=["cadre_a", "head_a"])["id"]
    client.force_login(demo["head_top"])
    page = client.get(f"/pilots/{pid}/").content.decode()
    assert 'data-testid="directing"' in page
    assert "Ủy ban" in page or "UBND" in page or demo["head_top"].unit.name in page


def test_the_parent_head_is_told_what_the_implementing_head_would_have_been_told(demo, as_, approved):
    pid = create(as_, approved, implementers=["cadre_a", "head_a"])["id"]
    before = Notification.objects.filter(recipient=demo["head_top"]).count()
    post(as_("cadre_a"), pid, "complete")
    assert Notification.objects.filter(recipient=demo["head_top"]).count() == before + 1


# --- The collective evaluates -----------------------------------------------------------------------


@pytest.fixture
def under_evaluation(demo, as_, approved) -> int:
    pid = create(as_, approved)["id"]
    to_evaluation(as_, pid)
    return pid


def test_the_collective_evaluates_by_name_and_the_minutes_show_the_roll(client, demo, as_, under_evaluation):
    votes = [{"member": "head_a", "vote": "for"}, {"member": "deputy_a", "vote": "for"}]
    response = post(as_("head_a"), under_evaluation, "evaluate", {**EVALUATION, "votes": votes})
    assert response.status_code == 200, response.content
    minutes = Pilot.objects.get(pk=under_evaluation).transitions.get(action="evaluate").params["minutes"]
    assert (minutes["for"], minutes["eligible"], minutes["rule"]) == (2, 2, "majority")
    history = as_("cadre_a").get(f"{API}{under_evaluation}/history/").json()
    assert "Lê Thị Bích" in history[-1]["note"]
    client.force_login(demo["cadre_a"])
    page = client.get(f"/pilots/{under_evaluation}/").content.decode()
    assert 'data-testid="minutes"' in page and "Lê Thị Bích" in page


@pytest.mark.parametrize(
    "votes",
    [
        {"votes_for": 3, "votes_against": 0},  # the collective of SKHDT has 2 members
        {"votes": [{"member": "cadre_a", "vote": "for"}]},  # an implementer, off the collective
        {"votes": [{"member": "head_a", "vote": "for"}], "votes_for": 2},
    ],
)
def test_an_evaluation_vote_the_roll_cannot_hold_is_400_and_records_nothing(as_, under_evaluation, votes):
    response = post(as_("head_a"), under_evaluation, "evaluate", {**EVALUATION, **votes})
    assert response.status_code == 400, response.content
    assert Pilot.objects.get(pk=under_evaluation).status == "under_evaluation"


def test_an_implementer_on_the_collective_is_excluded_from_the_evaluation_vote(demo, as_, approved):
    pid = create(as_, approved, implementers=["cadre_a", "deputy_a"])["id"]
    to_evaluation(as_, pid)
    two = post(as_("head_a"), pid, "evaluate", {**EVALUATION, "votes_for": 2, "votes_against": 0})
    assert two.status_code == 400
    one = post(as_("head_a"), pid, "evaluate", {**EVALUATION, "votes_for": 1, "votes_against": 0})
    assert one.status_code == 200, one.content
    roll = Pilot.objects.get(pk=pid).transitions.get(action="evaluate").params["minutes"]["roll"]
    assert {e["member"]: e["excluded"] for e in roll} == {"head_a": "", "deputy_a": "implementer"}


def test_an_evaluation_the_collective_does_not_pass_is_409_and_not_recorded(as_, under_evaluation):
    votes = [{"member": "head_a", "vote": "against"}, {"member": "deputy_a", "vote": "against"}]
    response = post(as_("head_a"), under_evaluation, "evaluate", {**EVALUATION, "votes": votes})
    assert response.status_code == 409
    assert "không tán thành" in response.json()["detail"]
    assert Pilot.objects.get(pk=under_evaluation).status == "under_evaluation"


def test_the_evaluation_body_of_the_contract_without_a_vote_still_works(as_, under_evaluation):
    assert post(as_("head_a"), under_evaluation, "evaluate", EVALUATION).status_code == 200


def test_the_evaluation_form_offers_a_vote_per_member_and_leaves_the_implementers_off(
    client, demo, as_, approved
):
    pid = create(as_, approved, implementers=["cadre_a", "deputy_a"])["id"]
    to_evaluation(as_, pid)
    client.force_login(demo["head_a"])
    page = client.get(f"/pilots/{pid}/").content.decode()
    assert 'name="vote__head_a"' in page and 'name="vote__deputy_a"' not in page
    form = {**EVALUATION, "damage_vnd": "", "vote__head_a": "for"}
    assert client.post(f"/pilots/{pid}/evaluate/", form).status_code == 302
    minutes = Pilot.objects.get(pk=pid).transitions.get(action="evaluate").params["minutes"]
    assert (minutes["for"], minutes["by_name"]) == (1, True)


# --- An inspector for one pilot ---------------------------------------------------------------------


def test_the_head_assigns_an_inspector_to_one_pilot_who_then_sees_and_inspects_it_only(demo, as_, approved):
    pid = create(as_, approved)["id"]
    other = create(as_, make_proposal(demo["cadre_a2"], "approved"), implementers=["cadre_a2"])["id"]
    outsider = as_("cadre_b")
    assert outsider.get(f"{API}{pid}/").status_code == 404

    assigned = as_("head_a").post(f"{API}{pid}/inspectors/", {"username": "cadre_b"}, format="json")
    assert assigned.status_code == 201, assigned.content
    assert [p["username"] for p in assigned.json()] == ["cadre_b"]
    assert [p["username"] for p in as_("head_a").get(f"{API}{pid}/inspectors/").json()] == ["cadre_b"]
    assert Notification.objects.filter(recipient=demo["cadre_b"], object_id=pid).exists()

    assert outsider.get(f"{API}{pid}/").status_code == 200
    assert [p["id"] for p in outsider.get(API).json()["results"]] == [pid]
    assert outsider.get(f"{API}{other}/").status_code == 404
    inspection = {"findings": "Đúng tiến độ.", "severity": "none", "corrective_actions": "", "due_date": None}
    assert post(outsider, pid, "inspections", inspection).status_code == 201
    assert post(outsider, other, "inspections", inspection).status_code == 404

    removed = as_("head_a").post(f"{API}{pid}/inspectors/cadre_b/remove/")
    assert removed.status_code == 200 and removed.json() == []
    assert outsider.get(f"{API}{pid}/").status_code == 404


def test_assigning_an_inspector_follows_the_error_rules(demo, as_, approved):
    pid = create(as_, approved)["id"]
    url = f"{API}{pid}/inspectors/"
    assert as_("head_a").post(url, {"username": "cadre_a2"}, format="json").status_code == 400  # implementer
    assert as_("head_a").post(url, {"username": "cadre_a"}, format="json").status_code == 400
    assert as_("head_a").post(url, {"username": "nobody"}, format="json").status_code == 400
    assert as_("cadre_a").post(url, {"username": "cadre_b"}, format="json").status_code == 403
    assert as_("inspector").post(url, {"username": "cadre_b"}, format="json").status_code == 403
    assert as_("head_b").post(url, {"username": "cadre_b"}, format="json").status_code == 404
    assert as_("head_a").post(f"{url}cadre_b/remove/").status_code == 404
    assert as_("head_a").delete(url).status_code == 405
    assert as_("admin").post(url, {"username": "cadre_b"}, format="json").status_code == 201
    assert as_("head_a").post(url, {"username": "cadre_b"}, format="json").status_code == 400  # already
    to_evaluation(as_, pid)
    post(as_("head_a"), pid, "evaluate", EVALUATION)
    assert as_("head_a").post(url, {"username": "head_b"}, format="json").status_code == 409


def test_the_pilot_page_assigns_and_removes_an_inspector(client, demo, as_, approved):
    pid = create(as_, approved)["id"]
    client.force_login(demo["head_a"])
    assert 'data-testid="inspectors"' in client.get(f"/pilots/{pid}/").content.decode()
    assert client.post(f"/pilots/{pid}/inspectors/add/", {"username": "cadre_b"}).status_code == 302
    assert "Đặng Quang Huy" in client.get(f"/pilots/{pid}/").content.decode()
    assert client.post(f"/pilots/{pid}/inspectors/add/", {"username": "cadre_a2"}).status_code == 400
    assert client.post(f"/pilots/{pid}/inspectors/remove/", {"username": "cadre_b"}).status_code == 302
    client.force_login(demo["cadre_a"])
    assert client.post(f"/pilots/{pid}/inspectors/add/", {"username": "cadre_b"}).status_code == 403
    assert client.get(f"/pilots/{pid}/inspectors/add/").status_code == 405


# --- Plan versions and the pilot's history ----------------------------------------------------------


def test_plan_versions_come_with_their_diff_against_the_baseline_in_labels(client, demo, as_, approved):
    pid = create(as_, approved)["id"]
    adjusted = post(as_("head_a"), pid, "adjust", {"reason": "Bổ sung kinh phí.", "budget_vnd": 600_000_000})
    assert adjusted.status_code == 200, adjusted.content
    versions = as_("cadre_a").get(f"{API}{pid}/versions/").json()
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["changes_from_baseline"] == []
    assert versions[1]["changes_from_baseline"] == [
        {
            "field": "budget_vnd",
            "label": "kinh phí được bố trí (đồng)",
            "before": 500_000_000,
            "after": 600_000_000,
        }
    ]
    assert (versions[1]["reason"], versions[1]["by"]) == ("Bổ sung kinh phí.", "head_a")
    assert set(versions[1]) == {"version", "plan", "changes_from_baseline", "reason", "by", "at"}
    english = as_("cadre_a").get(f"{API}{pid}/versions/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english[1]["changes_from_baseline"][0]["label"] == "budget granted (VND)"

    client.force_login(demo["cadre_a"])
    page = client.get(f"/pilots/{pid}/").content.decode()
    diff = page[page.index('data-testid="plan-diff"') :]
    assert "Kinh phí được bố trí (đồng)" in diff and "budget_vnd" not in diff
    assert "600.000.000" in diff


def test_the_pilot_history_lists_its_state_changes_oldest_first(demo, as_, approved):
    pid = create(as_, approved)["id"]
    post(as_("head_a"), pid, "suspend", {"reason": "Tạm dừng để rà soát."})
    post(as_("head_a"), pid, "resume", {"reason": "Tiếp tục."})
    rows = as_("cadre_a").get(f"{API}{pid}/history/").json()
    assert [(r["from_status"], r["to_status"], r["actor"]) for r in rows] == [
        ("planned", "active", "head_a"),  # set up to start today
        ("active", "suspended", "head_a"),
        ("suspended", "active", "head_a"),
    ]
    assert rows[1]["note"] == "Tạm dừng để rà soát."
    assert all(set(row) == {"from_status", "to_status", "actor", "at", "note"} for row in rows)
    assert as_("cadre_b").get(f"{API}{pid}/history/").status_code == 404
    assert as_("cadre_a").post(f"{API}{pid}/history/").status_code == 405
