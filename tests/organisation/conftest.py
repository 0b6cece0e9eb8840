"""A unit's whole life to reorganise: proposals in every state, pilots in every state with their
due reports, an open outcome case, an open obstacle and the roles of the demo — in SKHDT (cadre_a,
head_a) and in SNV (cadre_b, head_b) — and a third unit, STC, with a head of its own."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest

from pilots.models import Pilot
from portal import services as portal_services
from portal.models import Unit, User
from tests.accountability.test_api import CAUSES, post
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal

PROPOSAL_STATES = (
    "draft",
    "submitted",
    "returned",
    "approved",
    "rejected",
    "withdrawn",
    "collective_rejected",
)
OPEN_PROPOSAL_STATES = ("draft", "submitted", "returned", "approved")


@dataclass
class World:
    units: dict[str, Unit]
    proposals: dict[tuple[str, str], object] = field(default_factory=dict)  # (unit, state) → proposal
    pilots: dict[tuple[str, str], Pilot] = field(default_factory=dict)  # (unit, state) → pilot
    cases: dict[str, object] = field(default_factory=dict)
    obstacles: dict[str, object] = field(default_factory=dict)

    def refresh(self) -> None:
        for record in [*self.proposals.values(), *self.pilots.values(), *self.cases.values(),
                       *self.obstacles.values()]:  # fmt: skip
            record.refresh_from_db()


def _pilots_of(as_, demo, world: World, code: str, author: str, head: str, implementers: list[str]) -> None:
    """Pilots of `author`'s approved proposals in `code`: active, suspended, completed, evaluated."""
    doer = implementers[0]
    for state in ("active", "suspended", "completed", "evaluated"):
        proposal = make_proposal(demo[author], "approved", title=f"Thí điểm {state} {code}")
        answer = post(as_(head), "/api/v1/pilots/", pilot_body(proposal.pk, implementers=implementers))
        assert answer.status_code == 201, answer.content
        pid = answer.json()["id"]
        if state == "suspended":
            post(as_(head), f"/api/v1/pilots/{pid}/suspend/", {"reason": "Tạm dừng để rà soát."})
        if state in ("completed", "evaluated"):
            post(as_(doer), f"/api/v1/pilots/{pid}/complete/")
        if state == "evaluated":
            post(as_(doer), f"/api/v1/pilots/{pid}/results-report/", {"summary": "Chưa đạt."})
            evaluation = {
                "outcome": "not_completed",
                "damage": False,
                "party_opinion": "Thống nhất.",
                **CAUSES,
            }
            assert post(as_(head), f"/api/v1/pilots/{pid}/evaluate/", evaluation).status_code == 200
            world.cases[code] = Pilot.objects.get(pk=pid).cases.get()
        world.pilots[(code, state)] = Pilot.objects.get(pk=pid)
    active = world.pilots[(code, "active")]
    raised = post(as_(doer), f"/api/v1/pilots/{active.pk}/obstacles/",
                  {"kind": "legal", "description": "Thiếu hướng dẫn.", "request": "Xin ý kiến."})  # fmt: skip
    assert raised.status_code == 201, raised.content
    world.obstacles[code] = active.obstacles.get()


@pytest.fixture
def stc(demo) -> Unit:
    """A third unit beside SKHDT and SNV, with a head of its own (head_c)."""
    top = Unit.objects.get(code="UBND")
    stc = Unit.objects.create(code="STC", name="Sở Tài chính", kind="department", parent=top)
    head_c = User.objects.create_user("head_c", "head_c@example.vn", "x", full_name="Đỗ Văn Cường", unit=stc)
    portal_services.role_assign(actor=demo["admin"], user=head_c, role="head", unit=stc,
                                started_on=datetime.date(2026, 1, 1))  # fmt: skip
    return stc


@pytest.fixture
def world(demo, as_, stc) -> World:
    world = World(units={code: Unit.objects.get(code=code) for code in ("UBND", "SKHDT", "SNV", "STC")})
    for code, author in (("SKHDT", "cadre_a"), ("SNV", "cadre_b")):
        for state in PROPOSAL_STATES:
            world.proposals[(code, state)] = make_proposal(demo[author], state, title=f"{state} {code}")
    _pilots_of(as_, demo, world, "SKHDT", "cadre_a", "head_a", ["cadre_a", "cadre_a2"])
    _pilots_of(as_, demo, world, "SNV", "cadre_b", "head_b", ["cadre_b"])
    world.refresh()
    return world
