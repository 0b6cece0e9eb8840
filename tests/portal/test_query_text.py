"""A NUL in the address (found by schemathesis, issue "Trust"): on `main`
`GET /api/v1/reports/compliance/?unit=%00` was a 500 on PostgreSQL, which cannot compare a text
with a NUL. Now any query string with a control character is 400 — JSON under /api/."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("url", ["/api/v1/reports/compliance/?unit=SK%00HDT", "/api/v1/models/?q=a%01b",
                                 "/api/v1/proposals/?status=draft%00"])  # fmt: skip
def test_the_api_answers_400_in_json(demo, as_, url):
    response = as_("head_a").get(url)
    assert response.status_code == 400 and "detail" in response.json()


def test_a_page_answers_400(demo, client):
    client.force_login(demo["orgcom"])
    assert client.get("/reports/?unit=UB%00ND").status_code == 400
    assert client.get("/reports/?unit=UBND").status_code == 200
    assert client.get("/models/?q=m%E1%BB%99t%20c%E1%BB%ADa%09x").status_code == 200  # a tab is text
