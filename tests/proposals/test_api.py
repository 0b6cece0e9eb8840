"""The proposals API (shared/CONTRACT.md, "Proposals") as the demo users: every path from draft to
a decision, the vote rules, the 7-working-day clock, and the error codes of the contract."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from portal.models import Notification, User
from portal.permissions import grant
from portal.workdays import add_working_days
from proposals import services
from proposals.models import Proposal
from tests.proposals.conftest import make_proposal, plan

D = datetime.date
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
API = "/api/v1/proposals/"
PARTY = {"opinion": "Đảng ủy Sở thống nhất chủ trương.", "supports": True}
PASSING = {"votes_for": 3, "votes_against": 2, "head_vote": "for", "mode": "pilot"}
FAILING = {"votes_for": 2, "votes_against": 3, "head_vote": "against", "mode": "pilot"}
OVERRIDE = {"responsibility_statement": "Tôi chịu trách nhiệm trước cấp trên và trước pháp luật."}
REASON = {"reason": "Bổ sung dự toán chi tiết."}


def at_nine(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=HANOI)


@pytest.fixture
def people_on(db):
    """The demo organisation seeded on a given day (so its roles are already held then), with the
    clock stopped on that day until the test ends."""
    travellers = []

    def seed(day: datetime.date) -> dict[str, User]:
        traveller = time_machine.travel(at_nine(day), tick=False)
        traveller.start()
        travellers.append(traveller)
        call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
        return {user.username: user for user in User.objects.select_related("unit")}

    yield seed
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def as_(demo, api):
    """An authenticated API client for a demo user, by username."""
    return lambda username: api(demo[username])


def create(client: APIClient, **overrides) -> int:
    response = client.post(API, plan(**overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def act(client: APIClient, pk: int, action: str, body: dict | None = None):
    return client.post(f"{API}{pk}/{action}/", body or {}, format="json")


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def history(client: APIClient, pk: int) -> list[tuple[str, str, str]]:
    rows = ok(client.get(f"{API}{pk}/history/"))
    return [(row["from_status"], row["to_status"], row["actor"]) for row in rows]


def listed(client: APIClient, query: str = "") -> list[dict]:
    """Every result of a list, across pages."""
    results, url = [], f"{API}?{query}"
    while url:
        page = ok(client.get(url))
        assert set(page) == {"count", "next", "previous", "results"}
        results += page["results"]
        url = page["next"]
    return results


def ids(client: APIClient, query: str = "") -> list[int]:
    return [row["id"] for row in listed(client, query)]


def notified(user: User, pk: int) -> list[str]:
    rows = Notification.objects.filter(
        recipient=user, content_type=ContentType.objects.get_for_model(Proposal), object_id=pk
    ).order_by("created_at", "id")
    return list(rows.values_list("kind", flat=True))


def with_party_opinion(proposal: Proposal, head: User) -> Proposal:
    return services.proposal_record_party_opinion(
        actor=head, proposal=proposal, opinion="Đảng ủy thống nhất.", supports=True
    )


# --- The paths to a decision ------------------------------------------------------------------


def test_a_cadre_submits_the_head_records_the_party_opinion_and_a_passing_vote_approves(
    collectives, demo, as_
):
    cadre, head = as_("cadre_a"), as_("head_a")
    pk = create(cadre)
    draft = ok(cadre.get(f"{API}{pk}/"))
    assert draft["status"] == "draft"
    assert (draft["author"], draft["unit"], draft["reviewer_unit"]) == ("cadre_a", "SKHDT", "SKHDT")
    assert draft["received_on"] is None

    submitted = ok(act(cadre, pk, "submit"))
    today = timezone.localdate()
    assert submitted["status"] == "submitted"
    assert submitted["received_on"] == today.isoformat()
    assert submitted["decision_due"] == add_working_days(today, 7).isoformat()

    opinion = ok(act(head, pk, "party-opinion", PARTY))
    assert opinion["status"] == "submitted"
    assert opinion["party_opinion"] == PARTY["opinion"]
    assert opinion["party_supports"] is True

    decided = ok(act(head, pk, "decide", PASSING))
    assert decided["status"] == "approved"
    assert decided["decision_mode"] == "pilot"
    assert (decided["votes_for"], decided["votes_against"], decided["head_vote"]) == (3, 2, "for")

    rows = ok(cadre.get(f"{API}{pk}/history/"))
    assert [(row["from_status"], row["to_status"], row["actor"]) for row in rows] == [
        ("draft", "submitted", "cadre_a"),
        ("submitted", "approved", "head_a"),
    ]
    assert all(set(row) == {"from_status", "to_status", "actor", "at", "note"} for row in rows)
    assert rows[0]["at"] <= rows[1]["at"]
    assert rows[1]["note"]  # the vote, in words
    assert notified(demo["head_a"], pk) == ["proposal_submitted"]
    assert notified(demo["cadre_a"], pk) == ["proposal_decided"]


def test_a_failed_vote_then_the_heads_override_ends_approved_by_head(collectives, demo, as_):
    cadre, head = as_("cadre_a"), as_("head_a")
    pk = create(cadre)
    ok(act(cadre, pk, "submit"))
    ok(act(head, pk, "party-opinion", {**PARTY, "supports": False}))
    assert ok(act(head, pk, "decide", FAILING))["status"] == "collective_rejected"
    overridden = ok(act(head, pk, "override", OVERRIDE))
    assert overridden["status"] == "approved_by_head"
    assert overridden["responsibility_statement"] == OVERRIDE["responsibility_statement"]

    assert history(cadre, pk) == [
        ("draft", "submitted", "cadre_a"),
        ("submitted", "collective_rejected", "head_a"),
        ("collective_rejected", "approved_by_head", "head_a"),
    ]
    assert ok(cadre.get(f"{API}{pk}/history/"))[-1]["note"] == OVERRIDE["responsibility_statement"]
    assert notified(demo["head_a"], pk) == ["proposal_submitted"]
    assert notified(demo["cadre_a"], pk) == ["proposal_decided", "proposal_decided"]


def test_a_failed_vote_then_a_rejection_ends_rejected_with_the_reason_the_author_sees(collectives, demo, as_):
    cadre, head = as_("cadre_a"), as_("head_a")
    pk = create(cadre)
    ok(act(cadre, pk, "submit"))
    ok(act(head, pk, "party-opinion", PARTY))
    ok(act(head, pk, "decide", FAILING))
    assert ok(act(head, pk, "reject", {"reason": "Vượt thẩm quyền của đơn vị."}))["status"] == "rejected"

    rows = ok(cadre.get(f"{API}{pk}/history/"))
    assert [(row["from_status"], row["to_status"]) for row in rows] == [
        ("draft", "submitted"),
        ("submitted", "collective_rejected"),
        ("collective_rejected", "rejected"),
    ]
    assert rows[-1]["note"] == "Vượt thẩm quyền của đơn vị."
    assert notified(demo["cadre_a"], pk) == ["proposal_decided", "proposal_decided"]


def test_a_returned_proposal_is_completed_and_resubmitted_and_the_clock_restarts(people_on, api):
    people = people_on(D(2026, 3, 2))  # a Monday
    cadre, head = api(people["cadre_a"]), api(people["head_a"])
    pk = create(cadre)
    first = ok(act(cadre, pk, "submit"))
    assert (first["received_on"], first["decision_due"]) == ("2026-03-02", "2026-03-11")
    ok(act(head, pk, "party-opinion", PARTY))
    returned = ok(act(head, pk, "return", REASON))
    assert returned["status"] == "returned"

    with time_machine.travel(at_nine(D(2026, 3, 9)), tick=False):
        edited = ok(cadre.patch(f"{API}{pk}/", {"budget_vnd": 900_000_000}, format="json"))
        assert edited["budget_vnd"] == 900_000_000
        again = ok(act(cadre, pk, "submit"))
    assert again["status"] == "submitted"
    assert again["received_on"] == "2026-03-09"
    assert again["decision_due"] == "2026-03-18" == add_working_days(D(2026, 3, 9), 7).isoformat()
    assert again["party_opinion"] == ""  # asked again on the version to be decided

    assert history(cadre, pk) == [
        ("draft", "submitted", "cadre_a"),
        ("submitted", "returned", "head_a"),
        ("returned", "submitted", "cadre_a"),
    ]
    assert ok(cadre.get(f"{API}{pk}/history/"))[1]["note"] == REASON["reason"]
    assert notified(people["head_a"], pk) == ["proposal_submitted", "proposal_submitted"]
    assert notified(people["cadre_a"], pk) == ["proposal_returned"]


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_the_author_withdraws_a_draft_a_submitted_or_a_returned_proposal(demo, as_, state):
    cadre, head = as_("cadre_a"), as_("head_a")
    pk = create(cadre)
    if state != "draft":
        ok(act(cadre, pk, "submit"))
    if state == "returned":
        ok(act(head, pk, "return", REASON))

    withdrawn = ok(act(cadre, pk, "withdraw", {"reason": "Chờ hoàn thiện dữ liệu."}))
    assert withdrawn["status"] == "withdrawn"
    rows = ok(cadre.get(f"{API}{pk}/history/"))
    last = rows[-1]
    assert (last["from_status"], last["to_status"], last["actor"]) == (state, "withdrawn", "cadre_a")
    assert last["note"] == "Chờ hoàn thiện dữ liệu."
    assert act(cadre, pk, "submit").status_code == 409
    # The head heard of the submission, and of the withdrawal only while it waited for them.
    expected = {
        "draft": [],
        "submitted": ["proposal_submitted", "proposal_withdrawn"],
        "returned": ["proposal_submitted"],
    }
    assert notified(demo["head_a"], pk) == expected[state]


def test_head_a_own_proposal_is_reviewed_and_decided_by_head_top(collectives, demo, as_):
    author, top = as_("head_a"), as_("head_top")
    pk = create(author, title="Ủy quyền phê duyệt chủ trương đầu tư dự án nhỏ")
    submitted = ok(act(author, pk, "submit"))
    assert (submitted["unit"], submitted["reviewer_unit"]) == ("SKHDT", "UBND")
    assert pk in ids(top, "inbox=1")
    assert pk not in ids(author, "inbox=1")

    assert act(author, pk, "party-opinion", PARTY).status_code == 403
    assert act(author, pk, "decide", PASSING).status_code == 403
    ok(act(top, pk, "party-opinion", PARTY))
    assert ok(act(top, pk, "decide", PASSING))["status"] == "approved"
    assert history(author, pk) == [("draft", "submitted", "head_a"), ("submitted", "approved", "head_top")]
    assert notified(demo["head_top"], pk) == ["proposal_submitted"]
    assert notified(demo["head_a"], pk) == ["proposal_decided"]


def test_the_history_shows_only_real_state_changes_oldest_first(demo, as_, proposal_in):
    proposal = proposal_in("draft")
    services.co_implementer_add(actor=demo["cadre_a"], proposal=proposal, user=demo["cadre_a2"])
    services.proposal_submit(actor=demo["cadre_a"], proposal=proposal)
    with_party_opinion(proposal, demo["head_a"])
    rows = ok(as_("head_a").get(f"{API}{proposal.pk}/history/"))
    assert [(row["from_status"], row["to_status"]) for row in rows] == [("draft", "submitted")]
    # ...while the page's timeline keeps the recorded steps too.
    assert proposal.transitions.count() == 4


def test_the_author_edits_a_draft_and_read_only_fields_stay_as_they_are(demo, as_):
    cadre = as_("cadre_a")
    pk = create(cadre)
    body = ok(
        cadre.patch(
            f"{API}{pk}/",
            {"title": "Tên mới của đề xuất", "status": "approved", "author": "head_a", "unit": "SNV"},
            format="json",
        )
    )
    assert body["title"] == "Tên mới của đề xuất"
    assert (body["status"], body["author"], body["unit"]) == ("draft", "cadre_a", "SKHDT")


def test_creating_with_invalid_fields_is_400_per_field(demo, as_):
    cadre = as_("cadre_a")
    response = cadre.post(API, plan(title="x" * 256, budget_vnd=-1, gap_kind="maybe"), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"title", "budget_vnd", "gap_kind"}
    response = cadre.post(API, plan(start_date="2027-05-01", end_date="2027-01-01"), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"end_date"}
    assert not Proposal.objects.exists()


def test_submitting_an_incomplete_plan_is_400_and_stays_a_draft(demo, as_):
    cadre = as_("cadre_a")
    response = cadre.post(API, {"title": "Chỉ có tên"}, format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    response = act(cadre, pk, "submit")
    assert response.status_code == 400
    errors = response.json()  # a message per field still empty (CONTRACT: 400 with a message per field)
    assert {"necessity", "legal_basis", "conditions_confirmed"} <= set(errors) and "title" not in errors
    assert ok(cadre.get(f"{API}{pk}/"))["status"] == "draft"


# --- The vote (Art. 8(1)) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ({"votes_for": 3, "votes_against": 2, "head_vote": "for"}, "approved"),
        ({"votes_for": 2, "votes_against": 3, "head_vote": "for"}, "collective_rejected"),
        ({"votes_for": 2, "votes_against": 2, "head_vote": "for"}, "approved"),
        ({"votes_for": 2, "votes_against": 2, "head_vote": "against"}, "collective_rejected"),
        ({"votes_for": 3, "votes_against": 2, "votes_abstain": 2, "head_vote": "for"}, "collective_rejected"),
        ({"votes_for": 2, "votes_against": 1, "votes_abstain": 1, "head_vote": "for"}, "approved"),
        (
            {"votes_for": 2, "votes_against": 1, "votes_abstain": 1, "head_vote": "against"},
            "collective_rejected",
        ),
    ],
)
def test_deciding_applies_more_than_half_of_votes_cast_and_the_heads_side_on_a_tie(
    collectives, demo, as_, proposal_in, votes, expected
):
    proposal = with_party_opinion(proposal_in("submitted"), demo["head_a"])
    body = ok(act(as_("head_a"), proposal.pk, "decide", {**votes, "mode": "implement"}))
    assert body["status"] == expected
    assert body["votes_abstain"] == votes.get("votes_abstain", 0)
    assert body["decision_mode"] == "implement"


@pytest.mark.parametrize(
    ("votes", "field"),
    [
        ({"votes_for": 0, "votes_against": 0, "votes_abstain": 0, "head_vote": "for"}, "votes_for"),
        ({"votes_for": 0, "votes_against": 0, "head_vote": "against"}, "votes_for"),
        ({"votes_for": 0, "votes_against": 4, "head_vote": "for"}, "head_vote"),
        ({"votes_for": 4, "votes_against": 0, "head_vote": "against"}, "head_vote"),
        ({"votes_for": 3, "votes_against": 1, "head_vote": "abstain"}, "head_vote"),
        ({"votes_for": -1, "votes_against": 1, "head_vote": "against"}, "votes_for"),
        ({"votes_for": 3, "votes_against": 1, "head_vote": "for", "mode": "later"}, "mode"),
    ],
)
def test_an_impossible_vote_is_400_per_field_and_decides_nothing(
    collectives, demo, as_, proposal_in, votes, field
):
    proposal = with_party_opinion(proposal_in("submitted"), demo["head_a"])
    response = act(as_("head_a"), proposal.pk, "decide", {"mode": "pilot", **votes})
    assert response.status_code == 400
    assert field in response.json()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert proposal.votes_for is None


# --- The 7-working-day clock (Art. 8(1)) -------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Friday before Tết 2026: weekend, Tết 16–20/2, weekend; 23–27/2, 2/3, 3/3.
        (D(2026, 2, 13), D(2026, 3, 3)),
        # A Wednesday: 12, 13 | weekend | 16, 17, 18, 19, 20/3.
        (D(2026, 3, 11), D(2026, 3, 20)),
    ],
)
def test_the_decision_is_due_on_the_seventh_working_day_after_receipt(people_on, api, received, due):
    people = people_on(received)
    cadre = api(people["cadre_a"])
    pk = create(cadre)
    body = ok(act(cadre, pk, "submit"))
    assert body["received_on"] == received.isoformat()
    assert body["decision_due"] == due.isoformat() == add_working_days(received, 7).isoformat()
    assert body["is_overdue"] is False


def test_an_overdue_proposal_is_flagged_and_found_with_the_overdue_filter(people_on, api):
    people = people_on(D(2026, 3, 2))
    cadre, head = api(people["cadre_a"]), api(people["head_a"])
    late = create(cadre, title="Đề xuất gửi trước")
    ok(act(cadre, late, "submit"))  # due 11/3
    with time_machine.travel(at_nine(D(2026, 3, 5)), tick=False):
        on_time = create(cadre, title="Đề xuất gửi sau")
        assert ok(act(cadre, on_time, "submit"))["decision_due"] == "2026-03-16"

    with time_machine.travel(at_nine(D(2026, 3, 11)), tick=False):
        assert ok(head.get(f"{API}{late}/"))["is_overdue"] is False
        assert ids(head, "overdue=1") == []
    with time_machine.travel(at_nine(D(2026, 3, 12)), tick=False):
        assert ok(head.get(f"{API}{late}/"))["is_overdue"] is True
        assert ok(cadre.get(f"{API}{late}/"))["is_overdue"] is True
        assert ok(head.get(f"{API}{on_time}/"))["is_overdue"] is False
        assert ids(head, "overdue=1") == [late]
        assert ids(head, "overdue=true") == [late]
        # The inbox: the earliest due first, although the later one was written last.
        inbox = listed(head, "inbox=1")
        assert [row["id"] for row in inbox] == [late, on_time]
        assert [row["is_overdue"] for row in inbox] == [True, False]


# --- Who sees and who may act --------------------------------------------------------------------

ALL_ACTIONS = [
    ("submit", {}),
    ("withdraw", {}),
    ("return", REASON),
    ("party-opinion", PARTY),
    ("decide", PASSING),
    ("override", OVERRIDE),
    ("reject", REASON),
]
HEAD_ACTIONS = [("return", REASON), ("party-opinion", PARTY), ("decide", PASSING)]


@pytest.mark.parametrize("username", ["cadre_b", "head_b"])
def test_outsiders_get_404_on_the_detail_the_history_edits_and_every_action(demo, as_, proposal_in, username):
    proposal = proposal_in("submitted")
    client = as_(username)
    assert client.get(f"{API}{proposal.pk}/").status_code == 404
    assert client.get(f"{API}{proposal.pk}/history/").status_code == 404
    assert client.patch(f"{API}{proposal.pk}/", {"title": "X"}, format="json").status_code == 404
    for action, body in ALL_ACTIONS:
        assert act(client, proposal.pk, action, body).status_code == 404, action
    assert proposal.pk not in ids(client)
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_a_cadre_of_the_same_unit_does_not_see_a_colleagues_proposal(demo, as_, proposal_in):
    # Visibility (shared/DOMAIN.md): a cadre sees their own work; the subtree is for heads,
    # deputies, inspectors and the Organisation Committee.
    proposal = proposal_in("submitted")
    client = as_("cadre_a2")
    assert client.get(f"{API}{proposal.pk}/").status_code == 404
    assert act(client, proposal.pk, "decide", PASSING).status_code == 404


@pytest.mark.parametrize(("action", "body"), HEAD_ACTIONS)
def test_a_cadre_who_can_see_the_proposal_gets_403_on_the_heads_actions(demo, as_, proposal_in, action, body):
    proposal = proposal_in("draft")
    services.co_implementer_add(actor=demo["cadre_a"], proposal=proposal, user=demo["cadre_a2"])
    services.proposal_submit(actor=demo["cadre_a"], proposal=proposal)
    client = as_("cadre_a2")
    assert ok(client.get(f"{API}{proposal.pk}/"))["status"] == "submitted"
    response = act(client, proposal.pk, action, body)
    assert response.status_code == 403
    assert "detail" in response.json()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


@pytest.mark.parametrize(("action", "body"), [("override", OVERRIDE), ("reject", REASON)])
def test_a_cadre_who_can_see_a_failed_vote_gets_403_on_override_and_reject(
    demo, as_, proposal_in, action, body
):
    proposal = proposal_in("collective_rejected")
    grant(demo["cadre_a2"], "view_proposal", proposal)
    assert act(as_("cadre_a2"), proposal.pk, action, body).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "collective_rejected"


@pytest.mark.parametrize(("action", "body"), [*HEAD_ACTIONS, ("override", OVERRIDE), ("reject", REASON)])
def test_the_author_cannot_vote_on_or_decide_their_own_proposal(demo, as_, proposal_in, action, body):
    state = "collective_rejected" if action in {"override", "reject"} else "submitted"
    proposal = proposal_in(state)
    assert act(as_("cadre_a"), proposal.pk, action, body).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == state


def test_a_deputy_sees_a_submitted_proposal_but_gets_403_on_the_heads_actions(demo, as_, proposal_in):
    proposal = with_party_opinion(proposal_in("submitted"), demo["head_a"])
    deputy = as_("deputy_a")
    assert ok(deputy.get(f"{API}{proposal.pk}/"))["id"] == proposal.pk
    assert proposal.pk in ids(deputy)
    for action, body in HEAD_ACTIONS:
        assert act(deputy, proposal.pk, action, body).status_code == 403, action
    assert act(deputy, proposal.pk, "submit").status_code == 403
    assert act(deputy, proposal.pk, "withdraw").status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


@pytest.mark.parametrize("username", ["head_top", "inspector", "orgcom"])
def test_leaders_and_staff_above_the_unit_see_a_proposal_but_only_its_units_head_decides(
    demo, as_, proposal_in, username
):
    proposal = with_party_opinion(proposal_in("submitted"), demo["head_a"])
    client = as_(username)
    assert ok(client.get(f"{API}{proposal.pk}/"))["id"] == proposal.pk
    assert act(client, proposal.pk, "decide", PASSING).status_code == 403
    assert act(client, proposal.pk, "return", REASON).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


@pytest.mark.parametrize(
    ("state", "action", "body", "field"),
    [
        ("submitted", "return", {}, "reason"),
        ("submitted", "return", {"reason": "   "}, "reason"),
        ("submitted", "party-opinion", {"supports": True}, "opinion"),
        ("submitted", "party-opinion", {"opinion": "Thống nhất."}, "supports"),
        ("collective_rejected", "override", {"responsibility_statement": "  "}, "responsibility_statement"),
        ("collective_rejected", "reject", {}, "reason"),
    ],
)
def test_a_missing_reason_opinion_or_statement_is_400_per_field(
    demo, as_, proposal_in, state, action, body, field
):
    proposal = proposal_in(state)
    response = act(as_("head_a"), proposal.pk, action, body)
    assert response.status_code == 400
    assert field in response.json()
    proposal.refresh_from_db()
    assert proposal.status == state


def test_a_person_without_a_unit_gets_403_on_create(demo, as_):
    response = as_("admin").post(API, plan(), format="json")
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_an_unknown_proposal_is_404(demo, as_):
    client = as_("head_a")
    assert client.get(f"{API}999999/").status_code == 404
    assert act(client, 999999, "decide", PASSING).status_code == 404


@pytest.mark.parametrize("username", ["head_a", "deputy_a"])
def test_a_non_author_who_can_see_the_proposal_gets_403_on_patch(demo, as_, proposal_in, username):
    proposal = proposal_in("returned")
    response = as_(username).patch(f"{API}{proposal.pk}/", {"title": "Sửa hộ"}, format="json")
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.title != "Sửa hộ"


# --- Actions in the wrong state: 409 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "username", "action", "body"),
    [
        ("approved", "head_a", "decide", PASSING),
        ("submitted", "head_a", "override", OVERRIDE),
        ("submitted", "head_a", "reject", REASON),
        ("approved", "cadre_a", "submit", {}),
        ("submitted", "cadre_a", "submit", {}),
        ("approved", "cadre_a", "withdraw", {}),
        ("rejected", "head_a", "return", REASON),
        ("returned", "head_a", "party-opinion", PARTY),
        ("approved_by_head", "head_a", "override", OVERRIDE),
        ("withdrawn", "cadre_a", "submit", {}),
    ],
)
def test_an_action_in_the_wrong_state_is_409_with_a_detail(
    demo, as_, proposal_in, state, username, action, body
):
    proposal = proposal_in(state)
    response = act(as_(username), proposal.pk, action, body)
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert response.json()["detail"]
    proposal.refresh_from_db()
    assert proposal.status == state


def test_deciding_without_a_party_opinion_is_409(demo, as_, proposal_in):
    proposal = proposal_in("submitted")
    response = act(as_("head_a"), proposal.pk, "decide", PASSING)
    assert response.status_code == 409
    assert response.json()["detail"]
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


@pytest.mark.parametrize("state", ["submitted", "approved", "withdrawn"])
def test_the_author_gets_409_on_patch_outside_draft_and_returned(demo, as_, proposal_in, state):
    proposal = proposal_in(state)
    response = as_("cadre_a").patch(f"{API}{proposal.pk}/", {"title": "Sửa sau khi gửi"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"]
    proposal.refresh_from_db()
    assert proposal.title != "Sửa sau khi gửi"


# --- Methods and authentication -----------------------------------------------------------------


def test_put_and_delete_are_405_and_actions_take_only_post(demo, as_, proposal_in):
    proposal = proposal_in("draft")
    client = as_("cadre_a")
    assert client.put(f"{API}{proposal.pk}/", plan(), format="json").status_code == 405
    assert client.delete(f"{API}{proposal.pk}/").status_code == 405
    assert client.delete(API).status_code == 405
    assert client.get(f"{API}{proposal.pk}/submit/").status_code == 405
    assert client.post(f"{API}{proposal.pk}/history/").status_code == 405
    assert Proposal.objects.filter(pk=proposal.pk, status="draft").exists()


def test_logged_out_callers_get_401(demo, proposal_in):
    proposal = proposal_in("submitted")
    client = APIClient()
    assert client.get(API).status_code == 401
    assert client.post(API, plan(), format="json").status_code == 401
    assert client.get(f"{API}{proposal.pk}/").status_code == 401
    assert client.get(f"{API}{proposal.pk}/history/").status_code == 401
    assert act(client, proposal.pk, "decide", PASSING).status_code == 401


# --- Lists: only what the caller may see, search and filters -------------------------------------


def test_a_draft_is_invisible_to_the_head_until_it_is_submitted(demo, as_):
    cadre, head = as_("cadre_a"), as_("head_a")
    pk = create(cadre)
    assert pk in ids(cadre)
    assert pk not in ids(head)
    assert head.get(f"{API}{pk}/").status_code == 404
    assert head.get(f"{API}{pk}/history/").status_code == 404
    ok(act(cadre, pk, "submit"))
    assert pk in ids(head)
    assert ok(head.get(f"{API}{pk}/"))["status"] == "submitted"


SUBMITTED_IN_UBND = {"cadre_a", "cadre_a2", "head_a", "cadre_b"}
VISIBLE = {
    "cadre_a": {"cadre_a draft", "cadre_a submitted"},
    "cadre_a2": {"cadre_a2 submitted"},
    "head_a": {"cadre_a submitted", "cadre_a2 submitted", "head_a submitted"},
    "deputy_a": {"cadre_a submitted", "cadre_a2 submitted", "head_a submitted"},
    "cadre_b": {"cadre_b draft", "cadre_b submitted"},
    "head_b": {"cadre_b submitted"},
    **{
        username: {f"{author} submitted" for author in SUBMITTED_IN_UBND}
        for username in ("head_top", "inspector", "orgcom", "admin")
    },
}


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_the_list_holds_only_what_the_caller_may_see(demo, as_, username):
    made = {}
    for author, state in [
        ("cadre_a", "draft"), ("cadre_a", "submitted"), ("cadre_a2", "submitted"), ("cadre_b", "draft"),
        ("cadre_b", "submitted"), ("head_a", "submitted"),
    ]:  # fmt: skip
        made[f"{author} {state}"] = make_proposal(demo[author], state).pk
    client = as_(username)
    assert set(ids(client)) == {made[name] for name in VISIBLE[username]}
    for name, pk in made.items():
        expected = 200 if name in VISIBLE[username] else 404
        assert client.get(f"{API}{pk}/").status_code == expected, name


def test_search_finds_a_title_written_with_diacritics_from_a_query_without(demo, as_, proposal_in):
    found = proposal_in("submitted", title="Cải cách chế độ báo cáo thống kê")
    other = proposal_in("submitted", title="Số hóa hồ sơ lưu trữ")
    head = as_("head_a")
    for query in ("q=cai+cach", "q=cai%20cach%20bao%20cao", "q=C%E1%BA%A2I+C%C3%81CH"):
        results = ids(head, query)
        assert found.pk in results, query
        assert other.pk not in results, query
    assert found.pk not in ids(head, "q=cai+cach+khong+co")


def test_the_list_filters_by_status_unit_and_mine(demo, as_, proposal_in):
    approved = proposal_in("approved")
    submitted = proposal_in("submitted")
    theirs = proposal_in("submitted", author="cadre_b")
    top = as_("head_top")

    by_status = listed(top, "status=approved")
    assert approved.pk in {row["id"] for row in by_status}
    assert submitted.pk not in {row["id"] for row in by_status}
    assert {row["status"] for row in by_status} == {"approved"}

    by_unit = listed(top, "unit=SNV")
    assert theirs.pk in {row["id"] for row in by_unit}
    assert submitted.pk not in {row["id"] for row in by_unit}
    assert all("SNV" in (row["unit"], row["reviewer_unit"]) for row in by_unit)

    both = ids(top, "unit=SKHDT&status=submitted")
    assert submitted.pk in both
    assert approved.pk not in both and theirs.pk not in both

    mine = listed(as_("cadre_a"), "mine=1")
    assert {approved.pk, submitted.pk} <= {row["id"] for row in mine}
    assert {row["author"] for row in mine} == {"cadre_a"}
