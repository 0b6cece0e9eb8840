"""Browser test (issue 13): head_a sets up a pilot the way a person would — implementers found by
typing part of a name without diacritics and chosen with the keyboard or the mouse, indicators
and milestones typed into rows of a table, one more row added — and the pilot has exactly them."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command

from pilots.models import Pilot
from portal.models import User
from tests.e2e.conftest import sign_in
from tests.proposals.conftest import make_proposal


@pytest.fixture
def approved(transactional_db, live_server):
    # Seeded before Playwright starts (no database calls inside its event loop).
    call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
    proposal = make_proposal(User.objects.get(username="cadre_a"), "approved_by_head")
    return live_server, proposal


@pytest.mark.e2e
def test_a_head_chooses_implementers_and_types_indicators_in_rows(approved, browser_page, artifacts):
    from playwright.sync_api import expect

    server, proposal = approved
    page = browser_page
    sign_in(page, server, "head_a")
    page.goto(f"{server.url}/pilots/new/{proposal.pk}/")

    box = page.locator("#id_implementers")
    box.press_sequentially("dung", delay=40)
    found = page.locator('#id_implementers_results [data-pick="cadre_a2"]')
    expect(found).to_be_visible()
    box.press("ArrowDown")
    expect(found).to_be_focused()
    page.keyboard.press("Enter")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    expect(page.locator('[data-picked] input[value="cadre_a2"]')).to_be_checked()
    expect(page.locator("#id_implementers_results")).to_contain_text("Hoàng Văn Dũng (cadre_a2)")

    box.press_sequentially("pham minh", delay=40)
    page.locator('#id_implementers_results [data-pick="cadre_a"]').click()
    expect(page.locator('[data-picked] input[value="cadre_a"]')).to_be_checked()

    page.fill("#id_indicators-0-name", "Thời gian xử lý hồ sơ")
    page.fill("#id_indicators-0-unit", "ngày")
    page.fill("#id_indicators-0-baseline", "45")
    page.fill("#id_indicators-0-target", "15")
    indicators = page.locator('[data-rows="indicators"]')
    for _ in range(2):  # three blank rows at first; two more added
        indicators.locator("[data-add-row]").click()
    expect(page.locator("#id_indicators-4-name")).to_be_focused()
    page.keyboard.type("Tỷ lệ hài lòng")
    page.fill("#id_indicators-4-unit", "%")
    page.fill("#id_indicators-4-baseline", "70,5")
    page.fill("#id_indicators-4-target", "90")
    page.fill("#id_milestones-0-name", "Ban hành quy trình")
    page.fill("#id_milestones-0-due_date", proposal.start_date.strftime("%d/%m/%Y"))
    page.screenshot(path=str(artifacts / "pilot_setup_head_a.png"), full_page=True)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    with ThreadPoolExecutor(1) as thread:  # the database, outside Playwright's event loop
        made = thread.submit(what_was_made, proposal).result()
    assert made == {
        "implementers": ["cadre_a", "cadre_a2"],
        "indicators": [("Thời gian xử lý hồ sơ", "45.0000"), ("Tỷ lệ hài lòng", "70.5000")],
        "milestones": ["Ban hành quy trình"],
    }


def what_was_made(proposal) -> dict:
    pilot = Pilot.objects.get(proposal=proposal)
    return {
        "implementers": sorted(pilot.implementers.values_list("username", flat=True)),
        "indicators": [(i.name, str(i.baseline)) for i in pilot.indicators.all()],
        "milestones": list(pilot.milestones.values_list("name", flat=True)),
    }
