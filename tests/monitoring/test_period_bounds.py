"""A report period at the edge of the calendar (found by schemathesis, issue "Trust"): on `main`
`GET /api/v1/reports/compliance/?to=9999-12-31` was a 500 (the deadlines computed from it left
the calendar). Now every report period and review period lies between 1945 and 2099, else 400."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("url", ["/api/v1/reports/compliance/", "/api/v1/reports/summary/"])
@pytest.mark.parametrize("bounds", [("2026-01-01", "9999-12-31"), ("0001-01-01", "2026-01-01")])
def test_the_api_refuses_a_period_off_the_calendar(demo, as_, url, bounds):
    response = as_("head_a").get(url, {"unit": "SKHDT", "from": bounds[0], "to": bounds[1]})
    assert response.status_code == 400 and ("to" in response.json() or "from" in response.json())


def test_the_pages_refuse_it_too(demo, client):
    client.force_login(demo["orgcom"])
    page = client.get(
        "/reports/", {"unit": "UBND", "period": "custom", "from": "01/01/2026", "to": "31/12/9999"}
    )
    assert page.status_code == 200 and "1945" in page.content.decode()
    query = {
        "unit": "UBND",
        "from": "2026-01-01",
        "to": "2026-12-31",
        "figure": "proposals.by_status.submitted",
    }
    assert client.get("/reports/items/", query).status_code == 200
    assert client.get("/reports/items/", query | {"to": "9999-12-31"}).status_code == 400


def test_a_review_of_a_period_off_the_calendar_is_refused(demo, as_):
    body = {"unit": "UBND", "kind": "final", "period_start": "2026-01-01", "period_end": "9999-12-31",
            "findings": "Tổng kết."}  # fmt: skip
    response = as_("orgcom").post("/api/v1/reviews/", body, format="json")
    assert response.status_code == 400 and "period_end" in response.json()
