"""Browser test: cadre_a reports progress on the demo's active pilot and sees the bar move."""

import pytest
from django.core.management import call_command

from pilots.models import Pilot
from tests.e2e.conftest import PASSWORD


@pytest.fixture
def demo_pilot(transactional_db, live_server):
    # The whole demo, seeded before Playwright starts (no database calls inside its event loop).
    call_command("seed_demo", "--force", verbosity=0)
    pilot = Pilot.objects.get(status=Pilot.Status.ACTIVE, implementers__username="cadre_a")
    return live_server, pilot.pk, pilot.progress_percent


@pytest.mark.e2e
def test_cadre_a_submits_a_progress_report_and_sees_the_progress_bar_move(
    demo_pilot, browser_page, artifacts
):
    from playwright.sync_api import expect

    server, pilot_pk, before = demo_pilot
    page = browser_page
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{server.url}/pilots/{pilot_pk}/")
    bar = page.locator('[data-testid="progress"]')
    expect(bar).to_have_attribute("aria-valuenow", str(before))
    form = page.locator('details[data-action="report"]')
    form.locator("summary").click()
    form.locator('select[name="period_end"]').select_option(index=0)  # the earliest period due
    form.locator('input[name="progress_percent"]').fill("60")
    form.locator('textarea[name="summary"]').fill("Đã triển khai chữ ký số tại 3 phòng chuyên môn.")
    form.locator('input[name="spending_vnd"]').fill("45000000")
    form.locator("input[name^=indicator_]").first.fill("18")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "60")
    expect(page.locator('[data-testid="progress"] .progress-bar')).to_have_text("60%")
    page.screenshot(path=str(artifacts / "pilot_progress_cadre_a.png"), full_page=True)
