"""The pilot page's review and close-action ask who acts before they read the body (issue
"Trust", defect 9): someone who sees the pilot but may not take the action gets 403, whatever
they send; the one who may gets 400 for a bad body."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal


@pytest.fixture
def pilot_id(as_, demo) -> int:
    proposal = make_proposal(demo["cadre_a"], "approved")
    return as_("head_a").post("/api/v1/pilots/", pilot_body(proposal.pk), format="json").json()["id"]


@pytest.mark.parametrize("action", ["review", "close-action"])
@pytest.mark.parametrize("body", [{}, {"report": "x", "accept": "maybe"}, {"action": "1", "note": ""}])
def test_a_person_who_may_not_act_gets_403_whatever_the_body(demo, pilot_id, action, body):
    for username in ("cadre_a", "cadre_a2", "deputy_a", "orgcom"):
        client = Client()
        client.force_login(demo[username])
        assert client.get(f"/pilots/{pilot_id}/").status_code == 200, username  # they see the pilot
        assert client.post(f"/pilots/{pilot_id}/{action}/", body).status_code == 403, (username, action, body)
    head = Client()
    head.force_login(demo["head_a"])
    assert head.post(f"/pilots/{pilot_id}/{action}/", {"accept": "maybe"}).status_code in (400, 404)
