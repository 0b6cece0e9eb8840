"""The Content-Security-Policy (issue "Trust", defect 5): every kind of page answers with a policy
of the portal's own sources only — no 'unsafe-inline', no 'unsafe-eval' — and carries no inline
script, style or event handler that such a policy would block."""

from __future__ import annotations

import re

import pytest
from django.test import Client

# an inline script (a JSON data block is data, not code), a style element or attribute, a handler
INLINE = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>\s*[^<\s]|<style\b|\sstyle=\"|\son[a-z]+=\"",
    re.I,
)


def pages(demo) -> list[tuple[str, str]]:
    from pilots.models import Pilot
    from proposals.models import Proposal

    proposal, pilot = Proposal.objects.exclude(status="draft").first(), Pilot.objects.first()
    return [
        ("head_top", "/"), ("head_top", f"/proposals/{proposal.pk}/"), ("head_top", "/proposals/all/"),
        ("head_top", f"/pilots/{pilot.pk}/"), ("head_top", "/pilots/"), ("orgcom", "/reports/?unit=UBND"),
        ("orgcom", "/reports/downloads/"), ("head_top", "/cases/"), ("head_top", "/models/"),
        ("head_top", "/units/"),
        ("head_top", "/notifications/"), ("head_top", "/evidence/verify/"), ("admin", "/admin/"),
        ("admin", "/admin/proposals/proposal/"), ("head_top", "/api/v1/docs/"), (None, "/accounts/login/"),
        (None, "/public/"),
    ]  # fmt: skip


def test_every_page_type_has_a_strict_policy_and_no_inline_code(demo_full, settings):
    settings.PORTAL_PUBLIC_PAGE = True
    for username, url in pages(demo_full):
        client = Client()
        if username:
            client.force_login(demo_full[username])
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (url, policy)
        found = INLINE.search(response.content.decode())
        assert found is None, (url, found and found.group(0))


@pytest.mark.parametrize("url", ["/api/v1/proposals/", "/api/v1/nothing/"])
def test_the_api_answers_carry_the_policy_too(demo, url):
    client = Client()
    client.force_login(demo["head_top"])
    assert "default-src 'self'" in client.get(url)["Content-Security-Policy"]
