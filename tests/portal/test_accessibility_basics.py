"""WCAG 2.1 AA basics that hold on every page (issue 13): a skip link first, to a main region that
takes the focus; a focus ring that shows; every status badge's white text at 4.5:1 at least on its
colour (the "returned" and "suspended" badges were 2.6:1), and the links of an unread
notification at 4.5:1 on its yellow (they were 4.1:1)."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client

from tests.proposals.conftest import make_proposal

WHITE = "#ffffff"
UNREAD_BACKGROUND = "#fff3cd"  # Bootstrap 5.3's .list-group-item-warning


def luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def css() -> str:
    with open(finders.find("css/portal.css"), encoding="utf-8") as handle:
        return handle.read()


def test_every_status_badge_reads_at_4_5_to_1():
    rules = re.findall(
        r"((?:\.(?:status|pilot)-[a-z_]+,?\s*)+)\{\s*background-color:\s*(#[0-9a-f]{6})", css()
    )
    assert len(rules) >= 12
    weak = {selector.strip(): colour for selector, colour in rules if contrast(colour, WHITE) < 4.5}
    assert weak == {}
    assert ".status-returned" in " ".join(selector for selector, _colour in rules)


def test_a_link_on_an_unread_notification_reads_at_4_5_to_1():
    colour = re.search(
        r"\.list-group-item-warning a:not\(\.btn\)\s*\{\s*color:\s*(#[0-9a-f]{6})", css()
    ).group(1)
    assert contrast(colour, UNREAD_BACKGROUND) >= 4.5


def test_the_focus_ring_is_drawn_on_the_page_and_on_the_red_bar():
    sheet = css()
    assert re.search(r"a:focus-visible[^{]*\{[^}]*outline: 3px solid #1d1d1d", sheet)
    assert re.search(r"\.portal-nav a:focus-visible[^{]*\{[^}]*outline-color: #ffdd00", sheet)
    assert contrast("#ffdd00", "#a4161a") >= 3  # a ring seen against the bar


def test_every_page_starts_with_a_skip_link_to_its_main_region(demo):
    proposal = make_proposal(demo["cadre_a"], "submitted")
    for user, path in (
        (None, "/accounts/login/"),
        (demo["cadre_a"], "/"),
        (demo["cadre_a"], f"/proposals/{proposal.pk}/"),
    ):
        client = Client()
        if user:
            client.force_login(user)
        page = client.get(path).content.decode()
        body = page[page.index("<body") :]
        first_link = re.search(r"<a [^>]*>", body).group(0)
        assert 'href="#main"' in first_link and "visually-hidden-focusable" in first_link, path
        assert "Chuyển đến nội dung chính" in body
        assert re.search(r'<main [^>]*id="main"[^>]*tabindex="-1"', body), path
