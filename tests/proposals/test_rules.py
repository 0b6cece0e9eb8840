"""The rules of Decree 73 Art. 7–8 as the services and querysets enforce them: the vote, the
7-working-day clock, the transition table, separation of duties, visibility and the evidence
(transition rows and notifications) every step leaves behind."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from portal import voting
from portal.errors import DomainError, IncompleteInput, InvalidTransition, NotAllowed
from portal.models import CalendarDay, Notification, User
from portal.workdays import add_working_days
from proposals import permissions, services
from proposals.models import Proposal, ProposalTransition
from tests.proposals.conftest import make_proposal

D = datetime.date
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
STATES = [choice.value for choice in Proposal.Status]


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


def notifications_about(proposal: Proposal):
    return Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(Proposal), object_id=proposal.pk
    ).order_by("created_at", "id")


def kinds(user: User, proposal: Proposal) -> list[str]:
    return list(notifications_about(proposal).filter(recipient=user).values_list("kind", flat=True))


# --- The vote (Art. 8(1)) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "votes_abstain", "head_vote", "passes"),
    [
        (3, 2, 0, "for", True),  # 3–2 passes
        (3, 2, 0, "against", True),  # the head on the losing side changes nothing
        (2, 3, 0, "for", False),  # 2–3 fails
        (2, 2, 0, "for", True),  # a tie goes to the head's side
        (2, 2, 0, "against", False),
        (3, 2, 2, "for", False),  # abstentions are votes cast: 3 of 7 is not more than half
        (4, 2, 1, "for", True),  # 4 of 7
        (2, 1, 1, "for", True),  # 2 of 4 is a tie: the head decides
        (2, 1, 1, "against", False),
        (1, 0, 0, "for", True),
        (0, 1, 0, "against", False),
    ],
)
def test_the_vote_passes_with_more_than_half_of_the_votes_cast_or_the_heads_side_on_a_tie(
    votes_for, votes_against, votes_abstain, head_vote, passes
):
    assert (
        voting.vote_passes(
            votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain, head_vote=head_vote
        )
        is passes
    )


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "votes_abstain", "head_vote", "field"),
    [
        (0, 0, 0, "for", "votes_for"),
        (0, 0, 0, "against", "votes_for"),
        (0, 3, 0, "for", "head_vote"),
        (3, 0, 0, "against", "head_vote"),
        (0, 0, 2, "for", "head_vote"),
    ],
)
def test_a_vote_with_no_votes_or_a_head_vote_the_counts_cannot_hold_is_invalid_input(
    votes_for, votes_against, votes_abstain, head_vote, field
):
    with pytest.raises(IncompleteInput) as error:
        voting.validate_vote(
            votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain, head_vote=head_vote
        )
    assert field in error.value.errors


def test_deciding_records_the_vote_and_an_invalid_vote_changes_nothing(collectives, proposal_in, demo):
    proposal = proposal_in("submitted")
    head = demo["head_a"]
    services.proposal_record_party_opinion(
        actor=head, proposal=proposal, opinion="Thống nhất.", supports=True
    )
    with pytest.raises(IncompleteInput):
        services.proposal_decide(
            actor=head, proposal=proposal, votes_for=0, votes_against=0, head_vote="for", mode="pilot"
        )
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    assert proposal.votes_for is None

    services.proposal_decide(
        actor=head, proposal=proposal, votes_for=2, votes_against=1, votes_abstain=1, head_vote="for",
        mode="implement", support_granted="Hai cán bộ.",
    )  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    assert (proposal.votes_for, proposal.votes_against, proposal.votes_abstain) == (2, 1, 1)
    assert proposal.votes_cast == 4
    assert proposal.head_vote == "for"
    assert proposal.decision_mode == "implement"
    assert proposal.decided_by == head
    assert proposal.support_granted == "Hai cán bộ."


def test_no_decision_is_taken_without_the_party_opinion(proposal_in, demo):
    proposal = proposal_in("submitted")
    with pytest.raises(DomainError):
        services.proposal_decide(
            actor=demo["head_a"],
            proposal=proposal,
            votes_for=3,
            votes_against=0,
            head_vote="for",
            mode="pilot",
        )
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_a_resubmitted_proposal_needs_a_new_party_opinion(proposal_in, demo):
    proposal = proposal_in("submitted")
    head = demo["head_a"]
    services.proposal_record_party_opinion(
        actor=head, proposal=proposal, opinion="Thống nhất.", supports=True
    )
    services.proposal_return(actor=head, proposal=proposal, reason="Bổ sung chỉ số.")
    proposal = services.proposal_submit(actor=demo["cadre_a"], proposal=proposal)
    assert proposal.party_opinion == ""
    assert proposal.party_supports is None
    with pytest.raises(DomainError):
        services.proposal_decide(
            actor=head, proposal=proposal, votes_for=3, votes_against=0, head_vote="for", mode="pilot"
        )


# --- The transition table ------------------------------------------------------------------------

ACTION_CALLS = {
    "submit": ("author", lambda actor, p: services.proposal_submit(actor=actor, proposal=p)),
    "withdraw": ("author", lambda actor, p: services.proposal_withdraw(actor=actor, proposal=p)),
    "return": ("head", lambda actor, p: services.proposal_return(actor=actor, proposal=p, reason="Lý do.")),
    "party_opinion": (
        "head",
        lambda actor, p: services.proposal_record_party_opinion(
            actor=actor, proposal=p, opinion="Ý kiến.", supports=True
        ),
    ),
    "decide": (
        "head",
        lambda actor, p: services.proposal_decide(
            actor=actor, proposal=p, votes_for=3, votes_against=1, head_vote="for", mode="pilot"
        ),
    ),
    "override": (
        "head",
        lambda actor, p: services.proposal_override(
            actor=actor, proposal=p, responsibility_statement="Cam kết."
        ),
    ),
    "reject": ("head", lambda actor, p: services.proposal_reject(actor=actor, proposal=p, reason="Lý do.")),
}
WRONG_STATE = [
    (action, state)
    for action, (allowed_from, _to) in Proposal.TRANSITIONS.items()
    for state in STATES
    if state not in allowed_from
]


@pytest.mark.parametrize(("action", "state"), WRONG_STATE)
def test_an_action_outside_its_states_raises_an_invalid_transition_and_changes_nothing(
    proposal_in, demo, action, state
):
    proposal = proposal_in(state)
    who, call = ACTION_CALLS[action]
    actor = demo["cadre_a"] if who == "author" else demo["head_a"]
    rows = ProposalTransition.objects.filter(proposal=proposal).count()
    with pytest.raises(InvalidTransition):
        call(actor, proposal)
    proposal.refresh_from_db()
    assert proposal.status == state
    assert ProposalTransition.objects.filter(proposal=proposal).count() == rows


def test_the_transition_table_matches_the_contract():
    assert Proposal.TRANSITIONS == {
        "submit": (("draft", "returned"), "submitted"),
        "withdraw": (("draft", "submitted", "returned"), "withdrawn"),
        "return": (("submitted",), "returned"),
        "party_opinion": (("submitted",), None),
        "decide": (("submitted",), None),
        "override": (("collective_rejected",), "approved_by_head"),
        "reject": (("collective_rejected",), "rejected"),
    }


def test_an_incomplete_plan_cannot_be_submitted_and_says_what_is_missing(proposal_in, demo):
    proposal = proposal_in("draft", necessity="", conditions_confirmed=False)
    with pytest.raises(IncompleteInput) as error:
        services.proposal_submit(actor=demo["cadre_a"], proposal=proposal)
    assert set(error.value.errors) == {"necessity", "conditions_confirmed"}  # a message per field
    assert len(proposal.missing_for_submission()) == 2
    proposal.refresh_from_db()
    assert proposal.status == "draft"
    assert proposal.received_on is None


# --- Who may do what ----------------------------------------------------------------------------


def test_a_cadres_proposal_is_reviewed_in_their_own_unit_and_a_heads_by_the_parent_unit(demo):
    assert services.reviewer_unit_for(demo["cadre_a"]).code == "SKHDT"
    assert services.reviewer_unit_for(demo["deputy_a"]).code == "SKHDT"
    assert services.reviewer_unit_for(demo["head_a"]).code == "UBND"


def test_head_a_own_proposal_is_decided_by_head_top_not_by_head_a(collectives, proposal_in, demo):
    proposal = proposal_in("submitted", author="head_a")
    assert proposal.reviewer_unit.code == "UBND"
    assert not permissions.can_review(demo["head_a"], proposal)
    assert permissions.can_review(demo["head_top"], proposal)
    with pytest.raises(NotAllowed):
        services.proposal_record_party_opinion(
            actor=demo["head_a"], proposal=proposal, opinion="Tự ghi.", supports=True
        )
    services.proposal_record_party_opinion(
        actor=demo["head_top"], proposal=proposal, opinion="Ban Thường vụ thống nhất.", supports=True
    )
    decided = services.proposal_decide(
        actor=demo["head_top"], proposal=proposal, votes_for=5, votes_against=0, head_vote="for", mode="pilot"
    )
    assert decided.status == "approved"
    assert decided.decided_by == demo["head_top"]


@pytest.mark.parametrize("username", ["cadre_a", "cadre_a2", "deputy_a", "head_b", "head_top", "inspector"])
def test_only_the_head_of_the_reviewing_unit_may_review(proposal_in, demo, username):
    proposal = proposal_in("submitted")
    assert not permissions.can_review(demo[username], proposal)
    assert permissions.can_review(demo["head_a"], proposal)


@pytest.mark.parametrize("username", ["head_a", "deputy_a", "cadre_a2"])
def test_only_the_author_may_submit_edit_or_withdraw(proposal_in, demo, username):
    proposal = proposal_in("draft")
    with pytest.raises(NotAllowed):
        services.proposal_submit(actor=demo[username], proposal=proposal)
    with pytest.raises(NotAllowed):
        services.proposal_update(actor=demo[username], proposal=proposal, data={"title": "Đổi tên"})
    with pytest.raises(NotAllowed):
        services.proposal_withdraw(actor=demo[username], proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == "draft"


# --- Visibility -------------------------------------------------------------------------------


def test_a_draft_stays_private_to_its_author_until_it_is_submitted(proposal_in, demo):
    proposal = proposal_in("draft")
    for username in ("head_a", "deputy_a", "head_top", "inspector", "orgcom", "admin", "cadre_a2"):
        assert not Proposal.objects.visible_to(demo[username]).filter(pk=proposal.pk).exists(), username
    assert Proposal.objects.visible_to(demo["cadre_a"]).filter(pk=proposal.pk).exists()

    services.proposal_submit(actor=demo["cadre_a"], proposal=proposal)
    for username in ("head_a", "deputy_a", "head_top", "inspector", "orgcom", "admin"):
        assert Proposal.objects.visible_to(demo[username]).filter(pk=proposal.pk).exists(), username


@pytest.mark.parametrize("username", ["cadre_b", "head_b", "cadre_a2"])
def test_people_outside_the_subtree_and_other_cadres_do_not_see_a_submitted_proposal(
    proposal_in, demo, username
):
    proposal = proposal_in("submitted")
    assert not Proposal.objects.visible_to(demo[username]).filter(pk=proposal.pk).exists()


def test_a_co_implementer_sees_the_proposal(proposal_in, demo):
    proposal = proposal_in("draft")
    services.co_implementer_add(actor=demo["cadre_a"], proposal=proposal, user=demo["cadre_a2"])
    assert Proposal.objects.visible_to(demo["cadre_a2"]).filter(pk=proposal.pk).exists()


# --- The 7-working-day clock (Art. 8(1)) -------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Fri 13/2/2026, the last working day before Tết: Sat–Sun, Tết 16–20/2, Sat–Sun, then
        # 23, 24, 25, 26, 27/2 and 2, 3/3.
        (D(2026, 2, 13), D(2026, 3, 3)),
        # Wed 11/3/2026: 12, 13 | weekend | 16, 17, 18, 19, 20.
        (D(2026, 3, 11), D(2026, 3, 20)),
        # Wed 29/4/2026: 30/4 and 1/5 are holidays, then the weekend: 4, 5, 6, 7, 8 | 11, 12/5.
        (D(2026, 4, 29), D(2026, 5, 12)),
    ],
)
def test_the_decision_is_due_on_the_seventh_working_day_after_receipt(people_on, received, due):
    people = people_on(received)
    proposal = services.proposal_submit(actor=people["cadre_a"], proposal=make_proposal(people["cadre_a"]))
    assert proposal.received_on == received
    assert proposal.decision_due == due
    assert proposal.decision_due == add_working_days(received, services.DECISION_DAYS)


def test_an_administrators_day_off_moves_the_due_date(people_on):
    people = people_on(D(2026, 3, 11))
    CalendarDay.objects.create(date=D(2026, 3, 16), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    proposal = services.proposal_submit(actor=people["cadre_a"], proposal=make_proposal(people["cadre_a"]))
    assert proposal.decision_due == D(2026, 3, 23)


def test_resubmission_restarts_the_clock(people_on):
    people = people_on(D(2026, 3, 2))
    proposal = make_proposal(people["cadre_a"], "returned")
    assert proposal.received_on == D(2026, 3, 2)
    with time_machine.travel(at_nine(D(2026, 3, 9)), tick=False):
        proposal = services.proposal_submit(actor=people["cadre_a"], proposal=proposal)
    assert proposal.status == "submitted"
    assert proposal.received_on == D(2026, 3, 9)
    assert proposal.decision_due == D(2026, 3, 18) == add_working_days(D(2026, 3, 9), 7)


def test_a_proposal_is_overdue_only_after_its_due_date_and_only_while_waiting(people_on):
    people = people_on(D(2026, 3, 2))
    waiting = make_proposal(people["cadre_a"], "submitted")
    decided = make_proposal(people["cadre_a"], "approved")
    assert waiting.decision_due == D(2026, 3, 11)
    with time_machine.travel(at_nine(D(2026, 3, 11)), tick=False):
        assert not Proposal.objects.get(pk=waiting.pk).is_overdue
        assert not Proposal.objects.overdue().filter(pk=waiting.pk).exists()
    with time_machine.travel(at_nine(D(2026, 3, 12)), tick=False):
        assert Proposal.objects.get(pk=waiting.pk).is_overdue
        assert list(Proposal.objects.overdue()) == [Proposal.objects.get(pk=waiting.pk)]
        assert not Proposal.objects.get(pk=decided.pk).is_overdue


def test_the_heads_queue_holds_what_waits_for_their_decision_by_due_date(people_on):
    people = people_on(D(2026, 3, 2))
    first = make_proposal(people["cadre_a"], "submitted", title="Đến hạn trước")
    with time_machine.travel(at_nine(D(2026, 3, 4)), tick=False):
        later = make_proposal(people["cadre_a2"], "submitted", title="Đến hạn sau")
        failed = make_proposal(people["cadre_a"], "collective_rejected")
        make_proposal(people["cadre_a"], "approved")
        own = make_proposal(people["head_a"], "submitted")
    queue = Proposal.objects.awaiting_decision_by(people["head_a"]).order_by("decision_due", "id")
    assert list(queue) == [first, later, failed]
    assert list(Proposal.objects.awaiting_decision_by(people["head_top"])) == [own]


# --- Search ---------------------------------------------------------------------------------------


def test_search_matches_words_with_or_without_diacritics(proposal_in):
    found = proposal_in("draft", title="Cải cách chế độ báo cáo Đổi mới")
    other = proposal_in("draft", title="Số hóa hồ sơ", necessity="Hồ sơ giấy.", expected_results="Nhanh hơn.")
    for text in ("cai cach", "CẢI CÁCH", "doi moi bao cao", "Cải cach"):
        results = Proposal.objects.filter(pk__in=[found.pk, other.pk]).search(text)
        assert list(results) == [found], text
    assert not Proposal.objects.filter(pk=found.pk).search("cai cach hanh chinh xyz").exists()


# --- The evidence: transition rows and notifications ------------------------------------------


def test_every_step_writes_a_transition_row_with_its_actor_and_note(collectives, proposal_in, demo):
    proposal = proposal_in("approved_by_head")
    rows = list(proposal.transitions.values_list("action", "from_status", "to_status", "actor__username"))
    assert rows == [
        ("create", "draft", "draft", "cadre_a"),
        ("submit", "draft", "submitted", "cadre_a"),
        ("party_opinion", "submitted", "submitted", "head_a"),
        ("decide", "submitted", "collective_rejected", "head_a"),
        ("override", "collective_rejected", "approved_by_head", "head_a"),
    ]
    notes = dict(proposal.transitions.values_list("action", "note"))
    assert notes["override"] == "Tôi chịu trách nhiệm cá nhân."
    assert notes["party_opinion"] == "Đảng ủy thống nhất."
    assert "1" in notes["decide"] and "3" in notes["decide"]


@pytest.mark.parametrize(
    ("state", "author_kinds"),
    [
        ("submitted", []),
        ("returned", ["proposal_returned"]),
        ("approved", ["proposal_decided"]),
        ("collective_rejected", ["proposal_decided"]),
        ("approved_by_head", ["proposal_decided", "proposal_decided"]),
        ("rejected", ["proposal_decided", "proposal_decided"]),
    ],
)
def test_the_head_hears_of_each_submission_and_the_author_of_each_decision(
    proposal_in, demo, state, author_kinds
):
    proposal = proposal_in(state)
    assert kinds(demo["head_a"], proposal) == ["proposal_submitted"]
    assert kinds(demo["cadre_a"], proposal) == author_kinds


def test_withdrawing_a_submitted_proposal_tells_the_head_and_a_draft_tells_nobody(proposal_in, demo):
    submitted = proposal_in("submitted")
    services.proposal_withdraw(actor=demo["cadre_a"], proposal=submitted)
    assert kinds(demo["head_a"], submitted) == ["proposal_submitted", "proposal_withdrawn"]
    draft = proposal_in("draft")
    services.proposal_withdraw(actor=demo["cadre_a"], proposal=draft)
    assert not notifications_about(draft).exists()
