"""Separation of duties on proposals (Decree 73 Art. 7(4), Art. 8): nobody decides or votes on
what they proposed or carry out. Each hole found by trying the portal as a real user would is
reproduced here first, then seen refused; the vote is checked against the collective's roll."""

from __future__ import annotations

import pytest

from portal.models import Notification, User
from proposals.models import Proposal
from tests.proposals.conftest import make_proposal, plan

API = "/api/v1/proposals/"
PARTY = {"opinion": "Đảng ủy Sở thống nhất chủ trương.", "supports": True}


@pytest.fixture
def as_(demo, api):
    return lambda username: api(demo[username])


def act(client, pk: int, action: str, body: dict | None = None):
    return client.post(f"{API}{pk}/{action}/", body or {}, format="json")


def submitted_with_opinion(author: User, head: User | None = None, **overrides) -> Proposal:
    from proposals import services

    proposal = make_proposal(author, "submitted", **overrides)
    head = head or services.current_head(proposal.reviewer_unit)
    services.proposal_record_party_opinion(
        actor=head, proposal=proposal, opinion="Thống nhất.", supports=True
    )
    return proposal


def decide_note(client, pk: int) -> str:
    rows = client.get(f"{API}{pk}/history/").json()
    return next(row["note"] for row in rows if row["from_status"] == "submitted")


# --- A head who is a co-implementer never decides: the proposal goes up ----------------------


def test_a_head_added_as_co_implementer_cannot_decide_and_the_proposal_goes_to_the_parent_head(demo, as_):
    author, head_a, head_top = as_("cadre_a"), as_("head_a"), as_("head_top")
    pk = author.post(API, plan(), format="json").json()["id"]
    assert (
        author.post(f"{API}{pk}/co-implementers/", {"username": "head_a"}, format="json").status_code == 201
    )

    submitted = act(author, pk, "submit").json()
    assert submitted["reviewer_unit"] == "UBND"
    assert act(head_a, pk, "party-opinion", PARTY).status_code == 403
    assert act(head_a, pk, "decide", {"votes_for": 1, "votes_against": 0, "head_vote": "for",
                                      "mode": "pilot"}).status_code == 403  # fmt: skip
    assert pk not in [p["id"] for p in head_a.get(f"{API}?inbox=1").json()["results"]]

    assert act(head_top, pk, "party-opinion", PARTY).status_code == 200
    decided = act(
        head_top, pk, "decide", {"votes_for": 1, "votes_against": 0, "head_vote": "for", "mode": "pilot"}
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    assert Proposal.objects.get(pk=pk).review_routing == Proposal.Routing.HEAD_IS_CO_IMPLEMENTER


def test_the_proposal_page_says_why_the_superior_unit_decides(client, demo, as_):
    author = as_("cadre_a")
    pk = author.post(API, plan(), format="json").json()["id"]
    author.post(f"{API}{pk}/co-implementers/", {"username": "head_a"}, format="json")
    act(author, pk, "submit")
    client.force_login(demo["head_top"])
    page = client.get(f"/proposals/{pk}/").content.decode()
    assert 'data-testid="routing"' in page
    assert "người cùng thực hiện" in page


def test_a_head_who_is_a_co_implementer_fails_the_reviewing_head_predicate_even_on_an_old_routing(demo):
    from proposals import permissions, services

    proposal = make_proposal(demo["cadre_a"], "draft")
    services.co_implementer_add(actor=demo["cadre_a"], proposal=proposal, user=demo["head_a"])
    proposal.reviewer_unit = demo["head_a"].unit  # as an older submission would have left it
    assert not permissions.can_review(demo["head_a"], proposal)


# --- The vote is checked against the roll of the collective ---------------------------------


def test_a_deputy_who_proposed_is_excluded_from_the_roll_and_cannot_be_counted(demo, as_):
    proposal = submitted_with_opinion(demo["deputy_a"])
    head = as_("head_a")
    assert proposal.reviewer_unit.code == "SKHDT"
    # The hole: deputy_a's own proposal approved by 2 votes in a collective of 2.
    two = act(
        head, proposal.pk, "decide", {"votes_for": 2, "votes_against": 0, "head_vote": "for", "mode": "pilot"}
    )
    assert two.status_code == 400
    assert "votes_for" in two.json()
    with_deputy = {
        "votes": [{"member": "head_a", "vote": "for"}, {"member": "deputy_a", "vote": "for"}],
        "mode": "pilot",
    }
    assert act(head, proposal.pk, "decide", with_deputy).status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == "submitted" and proposal.votes_for is None

    one = act(
        head, proposal.pk, "decide", {"votes_for": 1, "votes_against": 0, "head_vote": "for", "mode": "pilot"}
    )
    assert one.status_code == 200, one.content
    minutes = proposal.transitions.get(action="decide").params["minutes"]
    assert minutes["eligible"] == 1
    assert {(e["member"], e["excluded"]) for e in minutes["roll"]} == {("head_a", ""), ("deputy_a", "author")}
    assert "Lê Thị Bích" in decide_note(head, proposal.pk)
    assert "tác giả đề xuất" in decide_note(head, proposal.pk)


@pytest.mark.parametrize(
    "votes",
    [
        {"votes_for": 9000, "votes_against": 0, "head_vote": "for"},  # the hole: accepted before
        {"votes_for": 3, "votes_against": 0, "head_vote": "for"},
        {"votes_for": 1, "votes_against": 1, "votes_abstain": 1, "head_vote": "for"},
    ],
)
def test_counts_above_the_members_who_may_vote_are_400_and_decide_nothing(demo, as_, votes):
    proposal = submitted_with_opinion(demo["cadre_a"])
    response = act(as_("head_a"), proposal.pk, "decide", {**votes, "mode": "pilot"})
    assert response.status_code == 400
    assert "2" in response.json()["votes_for"][0]  # names the two members who may vote
    proposal.refresh_from_db()
    assert proposal.status == "submitted" and proposal.votes_for is None


@pytest.mark.parametrize(
    ("roll", "head_vote", "status", "rule"),
    [
        ({"head_a": "for", "deputy_a": "against"}, "for", "approved", "tie_head"),
        ({"head_a": "against", "deputy_a": "for"}, "against", "collective_rejected", "tie_head"),
        ({"head_a": "for", "deputy_a": "for"}, "for", "approved", "majority"),
        ({"head_a": "for", "deputy_a": "abstain"}, "for", "approved", "tie_head"),
        ({"head_a": "abstain", "deputy_a": "against"}, "", "collective_rejected", "no_majority"),
        ({"head_a": "for"}, "for", "approved", "majority"),  # deputy_a absent
    ],
)
def test_a_vote_by_name_applies_the_majority_or_the_tie_rule_on_the_roll(
    demo, as_, roll, head_vote, status, rule
):
    proposal = submitted_with_opinion(demo["cadre_a"])
    head = as_("head_a")
    votes = [{"member": member, "vote": vote} for member, vote in roll.items()]
    response = act(head, proposal.pk, "decide", {"votes": votes, "mode": "pilot"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == status
    assert body["head_vote"] == head_vote
    minutes = proposal.transitions.get(action="decide").params["minutes"]
    assert minutes["rule"] == rule
    assert {e["member"]: e["vote"] for e in minutes["roll"]} == {"deputy_a": "absent", **roll}
    note = decide_note(head, proposal.pk)
    assert "Nguyễn Văn An" in note and "Lê Thị Bích" in note
    rule_text = {"tie_head": "ngang nhau", "majority": "trên 50%", "no_majority": "không quá 50%"}[rule]
    assert rule_text in note


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"votes": [{"member": "cadre_b", "vote": "for"}]}, "votes"),  # not on the collective
        ({"votes": [{"member": "head_a", "vote": "for"}, {"member": "head_a", "vote": "for"}]}, "votes"),
        ({"votes": [{"member": "head_a", "vote": "for"}], "votes_for": 2}, "votes"),  # disagrees with counts
        ({"votes": [{"member": "head_a", "vote": "for"}], "head_vote": "against"}, "head_vote"),
        ({"votes": [{"member": "head_a", "vote": "maybe"}]}, "votes"),
        (
            {"votes": [{"member": "head_a", "vote": "absent"}, {"member": "deputy_a", "vote": "absent"}]},
            "votes_for",
        ),
        ({"votes_for": 1}, "votes_against"),  # counts without the roll need both counts and the head
    ],
)
def test_a_roll_that_cannot_be_true_is_400_and_decides_nothing(demo, as_, body, field):
    proposal = submitted_with_opinion(demo["cadre_a"])
    response = act(as_("head_a"), proposal.pk, "decide", {**body, "mode": "pilot"})
    assert response.status_code == 400, response.content
    assert field in response.json()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_a_co_implementer_on_the_collective_is_excluded_from_the_vote(demo, as_):
    from proposals import services

    proposal = make_proposal(demo["cadre_a"], "draft")
    services.co_implementer_add(actor=demo["cadre_a"], proposal=proposal, user=demo["deputy_a"])
    proposal = services.proposal_submit(actor=demo["cadre_a"], proposal=proposal)
    assert proposal.reviewer_unit.code == "SKHDT"  # the head has no part in it
    services.proposal_record_party_opinion(
        actor=demo["head_a"], proposal=proposal, opinion="Ý kiến.", supports=True
    )
    votes = [{"member": "deputy_a", "vote": "for"}, {"member": "head_a", "vote": "for"}]
    response = act(as_("head_a"), proposal.pk, "decide", {"votes": votes, "mode": "pilot"})
    assert response.status_code == 400
    assert "người cùng thực hiện" in response.json()["votes"][0]


def test_the_minutes_on_the_proposal_page_list_the_roll_the_exclusions_and_the_rule(client, demo, as_):
    proposal = submitted_with_opinion(demo["deputy_a"])
    votes = {"votes": [{"member": "head_a", "vote": "for"}], "mode": "pilot"}
    assert act(as_("head_a"), proposal.pk, "decide", votes).status_code == 200
    client.force_login(demo["deputy_a"])
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    minutes = page[page.index('data-testid="minutes"') :]
    assert "Nguyễn Văn An" in minutes and "Tán thành" in minutes
    assert "Lê Thị Bích" in minutes and "tác giả đề xuất" in minutes
    assert "Nguyên tắc áp dụng" in minutes and "trên 50%" in minutes


def test_the_decide_form_offers_a_vote_per_member_who_may_vote_and_records_it(client, demo):
    proposal = submitted_with_opinion(demo["deputy_a"])
    client.force_login(demo["head_a"])
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'name="vote__head_a"' in page
    assert 'name="vote__deputy_a"' not in page  # the author is off the ballot
    response = client.post(f"/proposals/{proposal.pk}/decide/", {"vote__head_a": "for", "mode": "pilot"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.votes_for, proposal.head_vote) == ("approved", 1, "for")


def test_the_decide_form_refuses_counts_above_the_roll_with_a_form_error(client, demo):
    proposal = submitted_with_opinion(demo["cadre_a"])
    client.force_login(demo["head_a"])
    form = {
        "votes_for": "9000",
        "votes_against": "0",
        "votes_abstain": "0",
        "head_vote": "for",
        "mode": "pilot",
    }
    response = client.post(f"/proposals/{proposal.pk}/decide/", form)
    assert response.status_code == 400
    assert "2 thành viên được biểu quyết" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


# --- Co-implementers through the API ---------------------------------------------------------


def test_the_author_adds_and_removes_co_implementers_through_the_api_and_each_is_told(demo, as_):
    author = as_("cadre_a")
    pk = author.post(API, plan(), format="json").json()["id"]
    added = author.post(f"{API}{pk}/co-implementers/", {"username": "cadre_a2"}, format="json")
    assert added.status_code == 201
    assert [p["username"] for p in added.json()] == ["cadre_a2"]
    assert [p["username"] for p in author.get(f"{API}{pk}/co-implementers/").json()] == ["cadre_a2"]
    assert as_("cadre_a2").get(f"{API}{pk}/").status_code == 200
    told = Notification.objects.filter(recipient=demo["cadre_a2"], kind="co_implementer_changed")
    assert told.count() == 1 and "người cùng thực hiện" in told.get().subject

    removed = author.post(f"{API}{pk}/co-implementers/cadre_a2/remove/")
    assert removed.status_code == 200 and removed.json() == []
    assert told.count() == 2
    assert as_("cadre_a2").get(f"{API}{pk}/").status_code == 404


def test_co_implementer_changes_follow_the_error_rules(demo, as_, proposal_in):
    draft = proposal_in("draft")
    url = f"{API}{draft.pk}/co-implementers/"
    assert as_("cadre_b").post(url, {"username": "cadre_a2"}, format="json").status_code == 404  # outsider
    assert as_("cadre_b").get(url).status_code == 404
    assert as_("cadre_a").post(url, {"username": "nobody"}, format="json").status_code == 400
    assert as_("cadre_a").post(url, {"username": "cadre_a"}, format="json").status_code == 400  # the author
    assert as_("cadre_a").post(url, {}, format="json").status_code == 400
    assert as_("cadre_a").post(f"{url}cadre_b/remove/").status_code == 404  # not one of them
    assert as_("cadre_a").delete(url).status_code == 405
    submitted = proposal_in("submitted")
    assert as_("head_a").post(f"{API}{submitted.pk}/co-implementers/", {"username": "cadre_a2"},
                              format="json").status_code == 403  # fmt: skip
    assert as_("cadre_a").post(f"{API}{submitted.pk}/co-implementers/", {"username": "cadre_a2"},
                               format="json").status_code == 409  # fmt: skip
    assert not submitted.co_implementers.exists()
