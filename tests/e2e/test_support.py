"""Browser test of support and urging (KL 2.4, 3.2) on the demo: cadre_a raises an obstacle on
the active pilot, head_a escalates it, head_top grants support, cadre_a confirms it cleared;
orgcom urges head_b about Sở Nội vụ's overdue items and head_b answers. Screenshots in
tests/e2e/artifacts/."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import translation

from pilots.models import Pilot
from support.models import Obstacle
from tests.e2e.conftest import sign_in


@pytest.fixture
def demo_server(transactional_db, live_server):
    # Seeded before Playwright starts: Django refuses database calls inside its event loop.
    call_command("seed_demo", "--force", verbosity=0)
    pilot = Pilot.objects.filter(status="active", proposal__author__username="cadre_a").order_by("pk").first()
    with translation.override("vi"):
        labels = {status: str(label) for status, label in Obstacle.Status.choices}
    return live_server, pilot.pk, labels


@pytest.mark.e2e
def test_an_obstacle_goes_up_and_is_cleared_and_a_unit_is_urged(demo_server, browser_page, artifacts):
    from playwright.sync_api import expect

    server, pilot_pk, labels = demo_server
    page = browser_page
    status = page.locator('[data-testid="obstacle-status"]')

    sign_in(page, server, "cadre_a")
    page.goto(f"{server.url}/pilots/{pilot_pk}/")
    page.click('[data-testid="raise-obstacle"]')
    form = page.locator('form[data-action="raise"]')
    form.locator('select[name="kind"]').select_option("coordination")
    form.locator('textarea[name="description"]').fill(
        "Sở Tài chính chưa thống nhất cơ chế chi trả phí ký số."
    )
    form.locator('textarea[name="request"]').fill("Đề nghị UBND tỉnh chỉ đạo Sở Tài chính phối hợp.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(status).to_have_text(labels["open"])
    obstacle_url = page.url
    page.screenshot(path=str(artifacts / "obstacle_raised_cadre_a.png"), full_page=True)

    sign_in(page, server, "head_a")
    page.goto(obstacle_url)
    form = page.locator('form[data-action="escalate"]')
    form.locator('textarea[name="note"]').fill("Cần UBND tỉnh chỉ đạo liên ngành.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator('[data-testid="answerer"]')).to_contain_text("UBND tỉnh Demo")
    expect(page.locator('form[data-action="answer"]')).to_have_count(0)  # no longer hers
    page.screenshot(path=str(artifacts / "obstacle_escalated_head_a.png"), full_page=True)

    sign_in(page, server, "head_top")
    page.goto(obstacle_url)
    form = page.locator('form[data-action="answer"]')
    form.locator('select[name="decision"]').select_option("support_granted")
    form.locator('textarea[name="note"]').fill("Đã giao Sở Tài chính hướng dẫn trong 3 ngày.")
    form.locator("button[type=submit]").click()
    expect(status).to_have_text(labels["answered"])
    expect(page.locator('[data-testid="answer"]')).to_contain_text("Sở Tài chính hướng dẫn")

    sign_in(page, server, "cadre_a")
    page.goto(obstacle_url)
    form = page.locator('form[data-action="confirm"]')
    form.locator('select[name="cleared"]').select_option("yes")
    form.locator("button[type=submit]").click()
    expect(status).to_have_text(labels["cleared"])
    page.screenshot(path=str(artifacts / "obstacle_cleared_cadre_a.png"), full_page=True)

    sign_in(page, server, "orgcom")
    page.goto(f"{server.url}/units/SNV/")
    page.click('[data-testid="unit-overdue"]')
    form = page.locator('form[data-action="urge"]')
    form.locator('input[name="item"]').first.check()
    form.locator('textarea[name="note"]').fill("Đề nghị Sở Nội vụ giải quyết dứt điểm trong tuần.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    urging_url = page.url
    page.screenshot(path=str(artifacts / "urging_sent_orgcom.png"), full_page=True)

    sign_in(page, server, "head_b")
    page.goto(urging_url)
    form = page.locator('form[data-action="answer"]')
    form.locator('textarea[name="note"]').fill("Sẽ họp tập thể lãnh đạo và quyết định.")
    by = (datetime.date.today() + datetime.timedelta(days=5)).strftime("%d/%m/%Y")
    form.locator('input[name="by"]').fill(by)
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator('[data-testid="urging-answer"]')).to_contain_text("Sẽ họp tập thể lãnh đạo")
    page.screenshot(path=str(artifacts / "urging_answered_head_b.png"), full_page=True)
