"""Every number of the report page links to the list it counts, with the same unit and period,
and that list holds exactly that many rows — for the seeded demo, as the Organisation Committee
and as a head; the links of the units below too. The list refuses what it cannot show."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

import pytest

from monitoring.sources import figures_of

LINK = re.compile(r'<a href="(/reports/items/\?[^"]+)"[^>]*>(\d+)</a>')
DAMAGE = re.compile(r'<a href="(/reports/items/\?[^"]+figure=pilots.damage_vnd)"[^>]*data-sum>([^<]+)</a>')


def links(page) -> list[tuple[str, int]]:
    return [(html.unescape(url), int(n)) for url, n in LINK.findall(page.content.decode())]


@pytest.mark.parametrize(
    ("username", "unit"), [("orgcom", "UBND"), ("head_top", "UBND"), ("head_a", "SKHDT")]
)
def test_every_number_lists_what_it_counts(demo_full, client, username, unit):
    client.force_login(demo_full[username])
    page = client.get("/reports/", {"unit": unit, "period": "year"})
    found = links(page)
    damage_url, damage = (html.unescape(part) for part in DAMAGE.search(page.content.decode()).groups())
    figures = {parse_qs(urlparse(url).query)["figure"][0] for url, _n in [*found, (damage_url, 0)]}
    # every counted figure of the sections has its link (the units below add their own)
    sections = {f"{s}.{k}" for s, keys in figures_of(page.context["end"]).items() if s != "compliance"
                for k in keys if k not in ("all", "approved")}  # fmt: skip
    assert sections <= figures, sections - figures
    assert sum(n for _url, n in found) > 0
    for url, number in found:
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert listed.context["page"].paginator.count == number, url
        assert len(listed.context["lines"]) == min(number, 25), url
    # the damage is a sum in ₫: its list holds the pilots that caused it
    pilots = client.get(damage_url).context["page"].object_list
    assert sum(p.damage_vnd for p in pilots) == page.context["figures"]["pilots"]["damage_vnd"]
    assert damage.endswith("₫") or damage == "—"


def test_a_list_row_opens_what_it_counts(demo_full, client):
    client.force_login(demo_full["orgcom"])
    page = client.get("/reports/", {"unit": "UBND", "period": "year"})
    url = next(url for url, n in links(page) if "figure=proposals.by_status.submitted" in url and n)
    listed = client.get(url)
    line = listed.context["lines"][0]
    assert line.url.startswith("/proposals/") and client.get(line.url).status_code == 200
    assert "Đề xuất — theo trạng thái: Đã gửi" in listed.content.decode()


def test_the_list_refuses_what_it_cannot_show(demo_full, client):
    query = {"unit": "SKHDT", "from": "2026-01-01", "to": "2026-12-31", "figure": "proposals.all"}
    client.force_login(demo_full["cadre_a"])
    assert client.get("/reports/items/", query).status_code == 403
    client.force_login(demo_full["head_a"])
    assert client.get("/reports/items/", query).status_code == 200
    assert client.get("/reports/items/", query | {"unit": "UBND"}).status_code == 404
    assert client.get("/reports/items/", query | {"unit": "X" * 500}).status_code == 404
    for bad in ({"figure": "proposals.median_working_days_to_decision"}, {"figure": "nothing"},
                {"from": "31/12/2026"}, {"to": "2025-01-01"}):  # fmt: skip
        refused = client.get("/reports/items/", query | bad)
        assert refused.status_code == 400 and "drill-errors" in refused.content.decode(), bad


def test_the_unit_picker_finds_units_with_or_without_diacritics(demo_full, client):
    client.force_login(demo_full["orgcom"])
    options = client.get("/reports/units/", {"q": "ke hoach"}).content.decode()
    assert 'value="SKHDT"' in options and "UBND tỉnh Demo › Sở Kế hoạch và Đầu tư" in options
    assert 'value="SNV"' not in options
    assert 'value="SNV"' in client.get("/reports/units/", {"q": "snv"}).content.decode()
    client.force_login(demo_full["head_a"])
    assert 'value="UBND"' not in client.get("/reports/units/", {"q": ""}).content.decode()
    client.force_login(demo_full["cadre_a"])
    assert client.get("/reports/units/", {"q": "ke"}).status_code == 403
    client.force_login(demo_full["orgcom"])
    page = client.get("/reports/", {"unit": "NOPE"})
    assert page.status_code == 200 and page.context["unit"].code == "UBND"
