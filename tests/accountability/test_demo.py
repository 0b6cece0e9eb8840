"""The demo's cases (README, "Accountability cases in the demo"): every status, the abuse case
about cadre_a2 kept from head_a, the obstruction case, and one dismissed."""

from __future__ import annotations

from accountability.models import Case
from tests.conftest import api_client_for


def test_the_demo_has_a_case_in_every_status_and_the_confidential_ones(demo_full):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == set(Case.Status.values)
    abuse = Case.objects.get(kind="abuse", subject__username="cadre_a2")
    assert (abuse.opened_by.username, abuse.reviews.count(), abuse.status) == ("inspector", 1, "open")
    assert api_client_for(demo_full["head_a"]).get(f"/api/v1/cases/{abuse.pk}/").status_code == 404
    assert Case.objects.get(kind="obstruction").subject.username == "head_b"
    dismissed = Case.objects.get(status="dismissed")
    assert (dismissed.subject.username, dismissed.determined_by.username) == ("cadre_b", "head_top")
    waiting = Case.objects.get(kind="outcome", status="open")
    assert (waiting.subject.username, waiting.pilot.damage) == ("cadre_a", True)
    listed = api_client_for(demo_full["head_a"]).get("/api/v1/cases/?status=open&kind=outcome").json()
    assert [row["id"] for row in listed["results"]] == [waiting.pk]
