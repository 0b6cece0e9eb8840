"""A pilot of cadre_a (SKHDT, implementers cadre_a and cadre_a2) evaluated as completed."""

from __future__ import annotations

import pytest

from pilots.models import Pilot
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal


def post(client, path: str, body=None):
    return client.post(path, body if body is not None else {}, format="json")


def evaluated_pilot(as_, demo, outcome: str = "completed") -> Pilot:
    proposal = make_proposal(demo["cadre_a"], "approved")
    pid = post(as_("head_a"), "/api/v1/pilots/", pilot_body(proposal.pk)).json()["id"]
    post(as_("cadre_a"), f"/api/v1/pilots/{pid}/complete/")
    post(as_("cadre_a"), f"/api/v1/pilots/{pid}/results-report/", {"summary": "Đạt chỉ tiêu."})
    evaluation = {"outcome": outcome, "damage": False, "party_opinion": "Nhất trí.",
                  "objective_causes": "Khách quan.", "subjective_causes": "Chủ quan."}  # fmt: skip
    response = post(as_("head_a"), f"/api/v1/pilots/{pid}/evaluate/", evaluation)
    assert response.status_code == 200, response.json()
    return Pilot.objects.get(pk=pid)


@pytest.fixture
def completed(as_, demo) -> Pilot:
    return evaluated_pilot(as_, demo)
