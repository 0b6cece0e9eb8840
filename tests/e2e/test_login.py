"""Browser harness: Playwright drives Debian's Chromium (never a downloaded browser) against
the live test server. Screenshots land in tests/e2e/artifacts/ (git-ignored)."""

import pytest
from django.core.management import call_command

from tests.e2e.conftest import PASSWORD


@pytest.fixture
def seeded_live_server(transactional_db, live_server):
    # Seed before Playwright starts: Django refuses database calls inside its event loop.
    call_command("seed_demo", "--force", verbosity=0)
    return live_server


@pytest.mark.e2e
def test_cadre_a_logs_in_and_sees_the_home_page_in_vietnamese(seeded_live_server, browser_page, artifacts):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{seeded_live_server.url}/")
    expect(page).to_have_url(f"{seeded_live_server.url}/accounts/login/?next=/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{seeded_live_server.url}/")
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_text("Phạm Minh Châu").first).to_be_visible()
    page.screenshot(path=str(artifacts / "home_cadre_a.png"), full_page=True)
    assert (artifacts / "home_cadre_a.png").stat().st_size > 10_000
