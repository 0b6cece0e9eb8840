"""Queries per list do not grow with the rows (issue "Scale", P2, guarded on small data): every
list page and API list, as a national head, a unit's head, a cadre, the inspector and the
Organisation Committee, counted on the seeded demo and again after more proposals, pilots and
reports were added. A count that grows is an N+1 query: a list that fetches per row."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import api_client_for
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal
from tests.recognition.conftest import post

PERSONAS = ("head_top", "head_a", "cadre_a", "inspector", "orgcom")
API_LISTS = [
    "/api/v1/proposals/", "/api/v1/pilots/", "/api/v1/cases/", "/api/v1/obstacles/", "/api/v1/urgings/",
    "/api/v1/rewards/", "/api/v1/models/", "/api/v1/reviews/", "/api/v1/institutionalisations/",
    "/api/v1/units/", "/api/v1/reports/snapshots/",
]  # fmt: skip
PAGES = [
    "/", "/proposals/", "/proposals/inbox/", "/proposals/all/", "/pilots/", "/pilots/reports-due/",
    "/pilots/inspections/", "/cases/", "/cases/mine/", "/obstacles/", "/urgings/", "/reviews/", "/models/",
    "/notifications/", "/units/",
]  # fmt: skip


def counts(demo_full) -> dict[tuple[str, str], int]:
    found = {}
    for name in PERSONAS:
        user = type(demo_full[name]).objects.get(pk=demo_full[name].pk)
        api, page = api_client_for(user), Client()
        page.force_login(user)
        for url in API_LISTS + PAGES:
            client = api if url.startswith("/api/") else page
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code in (200, 403), (name, url, response.status_code)
            found[(name, url)] = len(queries)
    return found


def more_rows(demo_full) -> None:
    head, cadre = api_client_for(demo_full["head_a"]), api_client_for(demo_full["cadre_a"])
    for _ in range(4):
        make_proposal(demo_full["cadre_a"], "submitted")
        proposal = make_proposal(demo_full["cadre_a"], "approved")
        pilot = post(head, "/api/v1/pilots/", pilot_body(proposal.pk)).json()["id"]
        post(
            cadre,
            f"/api/v1/pilots/{pilot}/obstacles/",
            {"kind": "legal", "description": "Vướng.", "request": "Gỡ."},
        )


def test_no_list_fetches_per_row(demo_full):
    before = counts(demo_full)
    more_rows(demo_full)
    after = counts(demo_full)
    grown = {key: (before[key], after[key]) for key in before if after[key] > before[key]}
    print("most queries:", max(after.values()), sorted(after.items(), key=lambda kv: -kv[1])[:8])
    assert not grown, grown
