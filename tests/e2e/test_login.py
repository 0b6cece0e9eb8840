"""Browser harness: Playwright drives Debian's Chromium (never a downloaded browser) against
the live test server. Screenshots land in tests/e2e/artifacts/ (git-ignored)."""

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import CHROMIUM

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "demo-Pass-2026"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        # An English browser on purpose: the portal must still answer in Vietnamese.
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
        yield context.new_page()
        context.close()
        browser.close()


@pytest.fixture
def seeded_live_server(transactional_db, live_server):
    # Seed before Playwright starts: Django refuses database calls inside its event loop.
    call_command("seed_demo", "--force", verbosity=0)
    return live_server


@pytest.mark.e2e
def test_cadre_a_logs_in_and_sees_the_home_page_in_vietnamese(seeded_live_server, browser_page):
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
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home_cadre_a.png"), full_page=True)
    assert (ARTIFACTS / "home_cadre_a.png").stat().st_size > 10_000
