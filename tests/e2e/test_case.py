"""Browser test of an outcome case (Decree 73 Art. 11), on the demo's open case about cadre_a:
head_a determines it in good faith with damage (→ relief recommended), head_top decides relief,
cadre_a adds a written explanation with a signed PDF. Screenshots in tests/e2e/artifacts/."""

import pytest
from django.core.management import call_command
from django.utils import translation

from accountability.models import Case
from tests.e2e.conftest import sign_in
from tests.files import PDF


@pytest.fixture
def open_case(transactional_db, live_server, settings, tmp_path):
    # Seeded before Playwright starts: Django refuses database calls inside its event loop.
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--force", verbosity=0)
    case = Case.objects.get(kind=Case.Kind.OUTCOME, status=Case.Status.OPEN, subject__username="cadre_a")
    with translation.override("vi"):
        labels = {status: str(label) for status, label in Case.Status.choices}
        labels |= {result: str(label) for result, label in Case.Result.choices}
    return live_server, case.pk, labels


@pytest.mark.e2e
def test_head_a_determines_head_top_decides_relief_and_cadre_a_explains(
    open_case, browser_page, artifacts, tmp_path
):
    from playwright.sync_api import expect

    server, pk, labels = open_case
    page = browser_page
    status = page.locator('[data-testid="case-status"]')

    sign_in(page, server, "head_a")
    page.goto(f"{server.url}/cases/{pk}/")
    expect(status).to_have_text(labels["open"])
    expect(page.locator('[data-testid="evidence"]')).to_contain_text("Cấp ủy thống nhất")
    form = page.locator('form[data-action="determine"]')
    form.locator('textarea[name="objective_causes"]').fill("Hạ tầng dữ liệu dùng chung chưa sẵn sàng.")
    form.locator('textarea[name="subjective_causes"]').fill("Khảo sát ban đầu chưa đầy đủ.")
    for question in ("acted_per_policy", "pure_motive", "common_good"):
        form.locator(f'select[name="{question}"]').select_option("yes")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(status).to_have_text(labels["relief_recommended"])
    expect(page.locator('form[data-action="relief"]')).to_have_count(0)  # not hers to decide
    page.screenshot(path=str(artifacts / "case_determined_head_a.png"), full_page=True)

    sign_in(page, server, "head_top")
    page.goto(f"{server.url}/cases/{pk}/")
    form = page.locator('form[data-action="relief"]')
    form.locator('select[name="decision"]').select_option("exempted")
    form.locator('textarea[name="basis"]').fill("Điều 11 Nghị định 73/2023/NĐ-CP: đủ ba điều kiện.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(status).to_have_text(labels["decided"])
    expect(page.locator('[data-testid="case-result"]')).to_have_text(labels["exempted"])
    page.screenshot(path=str(artifacts / "case_relief_head_top.png"), full_page=True)

    sign_in(page, server, "cadre_a")
    page.goto(f"{server.url}/cases/{pk}/")
    expect(status).to_have_text(labels["decided"])
    form = page.locator('form[data-action="explanation"]')
    form.locator('textarea[name="text"]').fill("Tôi xin giải trình thêm về tiến độ triển khai.")
    signed = tmp_path / "giai-trinh-ky-so.pdf"
    signed.write_bytes(PDF)
    form.locator('input[name="file"]').set_input_files(str(signed))
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    explanations = page.locator('[data-testid="explanations"]')
    expect(explanations).to_contain_text("Tôi xin giải trình thêm về tiến độ triển khai.")
    expect(explanations.locator('[data-testid="case-file"]')).to_have_text("giai-trinh-ky-so.pdf")
    page.screenshot(path=str(artifacts / "case_explanation_cadre_a.png"), full_page=True)
    for name in ("case_determined_head_a", "case_relief_head_top", "case_explanation_cadre_a"):
        assert (artifacts / f"{name}.png").stat().st_size > 10_000
