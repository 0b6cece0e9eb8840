"""Counting a list (issue "Scale"): exact up to `EXACT_UP_TO` rows, the stop of the count
where it would go further, the planner's estimate above it on PostgreSQL, marked as such on the
page ("khoảng") and in the API (`X-Count-Estimate`, the body staying CONTRACT's)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal import pagination
from proposals.models import Proposal
from tests.conftest import api_client_for


def test_a_list_within_the_bound_is_counted_exactly_and_says_so(demo_full):
    head = demo_full["head_top"]
    visible = Proposal.objects.visible_to(head).count()
    response = api_client_for(head).get("/api/v1/proposals/")
    assert response.json()["count"] == visible
    assert set(response.json()) == {"count", "next", "previous", "results"}
    assert "X-Count-Estimate" not in response


def test_the_count_stops_at_the_bound(demo_full, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 2)
    queryset = Proposal.objects.visible_to(demo_full["head_top"])
    assert queryset.count() > 3
    with CaptureQueriesContext(connection) as queries:
        assert pagination.capped_count(queryset, 3) == 3
    assert "LIMIT 3" in queries.captured_queries[-1]["sql"]


def test_above_the_bound_the_count_is_the_planners_estimate_on_postgresql_and_exact_on_sqlite(
    demo_full, monkeypatch
):
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 2)
    head = demo_full["head_top"]
    visible = Proposal.objects.visible_to(head).count()
    response = api_client_for(head).get("/api/v1/proposals/")
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    if connection.vendor == "sqlite":  # no planner estimate to ask for
        assert body["count"] == visible and "X-Count-Estimate" not in response
        return
    assert response["X-Count-Estimate"] == "true" and body["count"] >= 3
    page = Client()
    page.force_login(head)
    listed = page.get("/proposals/all/").context["page"]
    assert listed.paginator.estimated


def test_with_an_estimated_count_every_row_stays_reachable_page_by_page(demo_full, monkeypatch):
    """However short the estimate, a full page offers the next and no page is cut at its end."""
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 2)
    monkeypatch.setattr(pagination, "estimated_count", lambda queryset: 1)
    head = demo_full["head_top"]
    seen, url = [], "/api/v1/proposals/"
    client = api_client_for(head)
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(Proposal.objects.visible_to(head).values_list("pk", flat=True))
    assert len(seen) == len(set(seen))


def test_rounded_estimates_keep_two_significant_digits():
    assert pagination.rounded(987_654) == 990_000
    assert pagination.rounded(10_449) == 10_000


def test_a_list_that_can_match_nothing_is_counted_as_empty(demo_full):
    """A person with no units and no grants gets a filter on empty lists of ids, which Django
    does not turn into SQL at all: the planner is not asked, the page is empty (not a 500)."""
    nothing = Proposal.objects.filter(pk__in=[])
    expected = None if connection.vendor == "sqlite" else 0
    assert pagination.estimated_count(nothing) == expected
    assert pagination.Paginator(nothing.order_by("pk"), 20).count == 0
