"""Browser test of the model library (KL 2.5): head_a publishes a completed pilot as a model,
head_b finds it without diacritics and adopts it, orgcom takes its institutionalisation to
`issued`. Screenshots in tests/e2e/artifacts/."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from pilots import demo as pilots_demo
from pilots import services as pilot_services
from pilots.models import Pilot
from portal.models import User
from tests.e2e.conftest import sign_in

TITLE = "Một cửa liên thông thủ tục đất đai cấp xã"


@pytest.fixture
def completed_pilot(transactional_db, live_server):
    # Seeded before Playwright starts: Django refuses database calls inside its event loop.
    call_command("seed_demo", "--force", verbosity=0)
    users = {u.username: u for u in User.objects.all()}
    proposal = pilots_demo.approved_proposal(users["cadre_a"], TITLE)
    today = timezone.localdate()
    pilot = pilot_services.pilot_create(
        actor=users["head_a"], proposal=proposal, start_date=today - datetime.timedelta(days=200),
        end_date=today - datetime.timedelta(days=10), report_frequency=Pilot.Frequency.QUARTERLY,
        budget_vnd=200_000_000, resources="Tổ công tác.", implementers=[users["cadre_a"]],
        indicators=pilots_demo.INDICATORS,
    )  # fmt: skip
    pilots_demo.walk(pilot, users["head_a"], users["cadre_a"], "evaluated")
    return live_server, pilot.pk


@pytest.mark.e2e
def test_publish_find_adopt_and_institutionalise(completed_pilot, browser_page, artifacts):
    from playwright.sync_api import expect

    server, pilot_pk = completed_pilot
    page = browser_page

    sign_in(page, server, "head_a")
    page.goto(f"{server.url}/pilots/{pilot_pk}/")
    page.click('[data-testid="model-publish"]')
    form = page.locator('form[data-action="publish"]')
    form.locator('textarea[name="summary"]').fill(
        "Một đầu mối tiếp nhận hồ sơ đất đai; thời gian giảm một nửa."
    )
    form.locator('textarea[name="conditions"]').fill("Có bộ phận một cửa cấp xã và cơ sở dữ liệu đất đai.")
    form.locator('select[name="field"]').select_option("procedures")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("h1")).to_have_text(TITLE)
    model_url = page.url
    page.screenshot(path=str(artifacts / "model_published_head_a.png"), full_page=True)

    sign_in(page, server, "head_b")
    page.goto(f"{server.url}/models/?q=mot+cua+lien+thong+dat+dai")
    results = page.locator('[data-testid="models"] a')
    expect(results).to_have_count(1)
    results.first.click()
    expect(page.locator('[data-testid="comparison"]')).to_be_visible()
    page.locator('form[data-action="adopt"] button').click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value(TITLE)
    page.screenshot(path=str(artifacts / "model_adopted_head_b.png"), full_page=True)

    sign_in(page, server, "orgcom")
    page.goto(model_url)
    expect(page.locator('[data-testid="comparison"] tbody tr')).to_have_count(2)  # the original and SNV
    form = page.locator('form[data-action="institutionalise"]')
    form.locator('input[name="document_kind"]').fill("Quyết định của UBND tỉnh")
    form.locator('input[name="drafting_agency"]').fill("Sở Tài nguyên và Môi trường")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    advance = page.locator('form[data-action^="advance-"]')
    advance.locator('select[name="stage"]').select_option("drafting")
    advance.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    advance = page.locator('form[data-action^="advance-"]')
    advance.locator('select[name="stage"]').select_option("issued")
    advance.locator('input[name="document_number"]').fill("31/2026/QĐ-UBND")
    advance.locator('input[name="issued_on"]').fill(timezone.localdate().strftime("%d/%m/%Y"))
    advance.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator('[data-testid="institutionalisations"]')).to_contain_text("31/2026/QĐ-UBND")
    page.screenshot(path=str(artifacts / "model_institutionalised_orgcom.png"), full_page=True)
