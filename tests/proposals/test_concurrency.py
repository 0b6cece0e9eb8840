"""Two people acting on the same proposal at the same moment: the row lock in proposals/services.py
lets exactly one through; the other sees the new state and gets InvalidTransition (409 in the API).

Real threads on real PostgreSQL connections (SQLite has no row locks), started together with a
barrier, several rounds each so the race really happens.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from portal.errors import InvalidTransition
from portal.models import Notification, User
from proposals import services
from proposals.models import Proposal, ProposalTransition
from tests.conftest import api_client_for
from tests.proposals.conftest import make_proposal

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("collectives"),
]

ROUNDS = 5


@pytest.fixture
def org(demo) -> dict[str, User]:
    """The demo organisation and people, without the demo proposals."""
    return demo


def fresh(user: User) -> User:
    """A separate instance per thread (the role cache lives on the instance)."""
    return User.objects.get(pk=user.pk)


def race(*calls: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run the calls in threads released together; each result is ("ok", value),
    ("conflict", InvalidTransition) or ("error", exception)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, Any]] = [("error", "did not finish")] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", call())
        except InvalidTransition as error:
            results[index] = ("conflict", error)
        except BaseException as error:
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    assert not [r for r in results if r[0] == "error"], results
    return results


def submitted_with_party_opinion(org) -> Proposal:
    proposal = make_proposal(org["cadre_a"], "submitted")
    return services.proposal_record_party_opinion(
        actor=fresh(org["head_a"]), proposal=proposal, opinion="Đảng ủy thống nhất.", supports=True
    )


def decide_call(head: User, proposal_pk: int, *, passes: bool) -> Callable[[], Proposal]:
    head, proposal = fresh(head), Proposal.objects.get(pk=proposal_pk)
    return lambda: services.proposal_decide(
        actor=head, proposal=proposal, votes_for=4 if passes else 1, votes_against=1 if passes else 4,
        head_vote="for" if passes else "against", mode="pilot",
    )  # fmt: skip


def outcomes(results) -> list[str]:
    return sorted(kind for kind, _value in results)


def transitions(proposal: Proposal, *actions: str) -> list[str]:
    return list(
        ProposalTransition.objects.filter(proposal=proposal, action__in=actions).values_list(
            "action", flat=True
        )
    )


def notifications(proposal: Proposal, kind: str) -> int:
    return Notification.objects.filter(
        kind=kind, object_id=proposal.pk, content_type__model="proposal"
    ).count()


def test_two_decisions_at_once_record_one(org):
    for _round in range(ROUNDS):
        proposal = submitted_with_party_opinion(org)
        results = race(
            decide_call(org["head_a"], proposal.pk, passes=True),
            decide_call(org["head_a"], proposal.pk, passes=False),
        )
        assert outcomes(results) == ["conflict", "ok"]
        winner = next(value for kind, value in results if kind == "ok")
        proposal.refresh_from_db()
        assert transitions(proposal, "decide") == ["decide"]
        # The stored decision is entirely the winner's: no mix of the two votes.
        assert (proposal.status, proposal.votes_for, proposal.votes_against, proposal.head_vote) == (
            winner.status,
            winner.votes_for,
            winner.votes_against,
            winner.head_vote,
        )
        assert proposal.status in (Proposal.Status.APPROVED, Proposal.Status.COLLECTIVE_REJECTED)
        assert proposal.history.filter(history_change_reason__startswith="decide").count() == 1
        assert notifications(proposal, "proposal_decided") == 1


def test_a_decision_and_a_return_at_once_record_one(org):
    winners = set()
    for _round in range(ROUNDS):
        proposal = submitted_with_party_opinion(org)
        head = fresh(org["head_a"])
        results = race(
            decide_call(org["head_a"], proposal.pk, passes=True),
            lambda proposal=proposal, head=head: services.proposal_return(
                actor=head, proposal=proposal, reason="Bổ sung dự toán."
            ),
        )
        assert outcomes(results) == ["conflict", "ok"]
        proposal.refresh_from_db()
        done = transitions(proposal, "decide", "return")
        assert len(done) == 1, done
        winners.add(done[0])
        assert (
            proposal.status
            == {"decide": Proposal.Status.APPROVED, "return": Proposal.Status.RETURNED}[done[0]]
        )
        assert notifications(proposal, "proposal_decided") == (done[0] == "decide")
        assert notifications(proposal, "proposal_returned") == (done[0] == "return")
    assert winners <= {"decide", "return"}


def test_two_submissions_of_one_draft_at_once_record_one(org):
    for _round in range(ROUNDS):
        proposal = make_proposal(org["cadre_a"], "draft")
        calls = []
        for _thread in range(2):
            author, draft = fresh(org["cadre_a"]), Proposal.objects.get(pk=proposal.pk)
            calls.append(
                lambda author=author, draft=draft: services.proposal_submit(actor=author, proposal=draft)
            )
        results = race(*calls)
        assert outcomes(results) == ["conflict", "ok"]
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.SUBMITTED
        assert transitions(proposal, "submit", "resubmit") == ["submit"]
        assert notifications(proposal, "proposal_submitted") == 1


def test_two_decisions_at_once_through_the_api_give_200_and_409(org):
    for _round in range(ROUNDS):
        proposal = submitted_with_party_opinion(org)
        url = f"/api/v1/proposals/{proposal.pk}/decide/"
        bodies = [
            {"votes_for": 4, "votes_against": 1, "head_vote": "for", "mode": "pilot"},
            {"votes_for": 1, "votes_against": 4, "head_vote": "against", "mode": "implement"},
        ]
        clients = [api_client_for(fresh(org["head_a"])) for _body in bodies]
        results = race(
            *(
                lambda client=client, body=body, url=url: client.post(url, body, format="json")
                for client, body in zip(clients, bodies, strict=True)
            )
        )
        responses = sorted((value for _kind, value in results), key=lambda response: response.status_code)
        assert [response.status_code for response in responses] == [200, 409], [
            (response.status_code, getattr(response, "data", None)) for response in responses
        ]
        assert responses[1].json()["detail"]
        proposal.refresh_from_db()
        assert transitions(proposal, "decide") == ["decide"]
        assert proposal.status == responses[0].json()["status"]
        assert proposal.decision_mode == responses[0].json()["decision_mode"]
        history = api_client_for(org["head_a"]).get(f"/api/v1/proposals/{proposal.pk}/history/").json()
        assert [row["from_status"] for row in history].count("submitted") == 1
