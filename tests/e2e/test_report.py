"""Browser test of the report page (KL 3.2) as orgcom on the demo: pick a unit and a period, see the
charts and the tables, download the XLSX and the PDF. Screenshots in tests/e2e/artifacts/."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from tests.e2e.conftest import sign_in


@pytest.fixture
def demo_server(transactional_db, live_server):
    call_command("seed_demo", "--force", verbosity=0)  # before Playwright starts its event loop
    return live_server


@pytest.mark.e2e
def test_orgcom_runs_a_report_and_downloads_it(demo_server, browser_page, artifacts):
    from playwright.sync_api import expect

    server, page = demo_server, browser_page
    sign_in(page, server, "orgcom")
    page.goto(f"{server.url}/reports/")
    form = page.locator('[data-testid="report-filter"]')
    # the unit picker searches the tree as one types, with or without diacritics
    form.locator('input[name="unit"]').fill("ke hoach")
    expect(page.locator('#unit-options option[value="SKHDT"]')).to_have_count(1)
    expect(page.locator('#unit-options option[value="SNV"]')).to_have_count(0)
    form.locator('input[name="unit"]').fill("UBND")
    form.locator('select[name="period"]').select_option("year")
    form.locator("button[type=submit]").click()
    expect(page.locator('[data-testid="report-sections"]')).to_contain_text("Đề xuất")
    expect(page.locator('[data-testid="report-children"]')).to_contain_text("Sở Kế hoạch và Đầu tư")
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-proposals')) !== undefined")
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-cases')) !== undefined")
    expect(page.locator('[data-testid="report-compliance"]')).to_contain_text("Sở Kế hoạch và Đầu tư")
    page.screenshot(path=str(artifacts / "report_orgcom.png"), full_page=True)
    # the units below sort by a column
    children = page.locator('[data-testid="report-children"]')
    children.locator("button[data-sort='1']").click()
    expect(children.locator("th").nth(1)).to_have_attribute("aria-sort", "ascending")
    with page.expect_download() as xlsx:
        page.click('[data-testid="download-xlsx"]')
    book = openpyxl.load_workbook(io.BytesIO(Path(xlsx.value.path()).read_bytes()))
    assert book.worksheets[0]["B1"].value == "UBND tỉnh Demo"
    with page.expect_download() as pdf:
        page.click('[data-testid="download-pdf"]')
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    # a number opens the list it counts
    link = page.locator('a[data-figure="proposals.by_status.submitted"]')
    number = int(link.inner_text())
    link.click()
    expect(page.locator('[data-testid="drill-count"]')).to_have_text(str(number))
    expect(page.locator('[data-testid="drill-rows"] tbody tr')).to_have_count(max(number, 1))
    page.screenshot(path=str(artifacts / "report_drilldown.png"), full_page=True)


@pytest.mark.e2e
def test_a_large_report_is_prepared_in_my_downloads(demo_server, browser_page, artifacts, settings):
    from playwright.sync_api import expect

    from portal.celery import app

    settings.PORTAL_EXPORT_INLINE_MAX = 0  # every report counts as large here
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the embedded default: the task runs in-process
    try:
        server, page = demo_server, browser_page
        sign_in(page, server, "orgcom")
        page.goto(f"{server.url}/reports/?unit=UBND&period=year")
        page.locator('[data-testid="download-background"] button[value="xlsx"]').click()
        expect(page.locator('[data-testid="download-ready"]')).to_have_count(1)
        page.screenshot(path=str(artifacts / "report_downloads.png"), full_page=True)
        with page.expect_download() as xlsx:
            page.click('[data-testid="download-ready"]')
        book = openpyxl.load_workbook(io.BytesIO(Path(xlsx.value.path()).read_bytes()))
        assert "Tuân thủ thời hạn" in book.sheetnames
    finally:
        app.conf.task_always_eager = eager
