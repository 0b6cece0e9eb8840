"""The Party committee's opinion is recorded once per submission (issue "Trust", concurrency
storms): on `main` 50 simultaneous requests recorded it 50 times, each a step in the record, the
last one standing. Now a second one while it stands is 409; a resubmission asks for it again."""

from __future__ import annotations

from proposals.models import ProposalTransition
from tests.proposals.conftest import make_proposal


def test_a_second_opinion_is_refused_until_the_proposal_is_resubmitted(demo, as_):
    proposal = make_proposal(demo["cadre_a"], "submitted")
    url = f"/api/v1/proposals/{proposal.pk}/party-opinion/"
    first = as_("head_a").post(url, {"opinion": "Đảng ủy thống nhất.", "supports": True}, format="json")
    assert first.status_code == 200
    second = as_("head_a").post(url, {"opinion": "Ý kiến khác.", "supports": False}, format="json")
    assert second.status_code == 409 and "detail" in second.json()
    proposal.refresh_from_db()
    assert (proposal.party_opinion, proposal.party_supports) == ("Đảng ủy thống nhất.", True)
    assert ProposalTransition.objects.filter(proposal=proposal, action="party_opinion").count() == 1
    returned = as_("head_a").post(
        f"/api/v1/proposals/{proposal.pk}/return/", {"reason": "Bổ sung."}, format="json"
    )
    assert returned.status_code == 200
    assert as_("cadre_a").post(f"/api/v1/proposals/{proposal.pk}/submit/", format="json").status_code == 200
    again = as_("head_a").post(url, {"opinion": "Thống nhất bản mới.", "supports": True}, format="json")
    assert again.status_code == 200
