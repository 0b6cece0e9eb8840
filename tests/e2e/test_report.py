"""Browser test of the report page (KL 3.2) as orgcom on the demo: pick a unit and a period, see the
charts and the tables, download the XLSX and the PDF. Screenshots in tests/e2e/artifacts/."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from tests.e2e.test_case import sign_in


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
    form.locator('select[name="unit"]').select_option("UBND")
    form.locator('select[name="period"]').select_option("year")
    form.locator("button[type=submit]").click()
    expect(page.locator('[data-testid="report-sections"]')).to_contain_text("Đề xuất")
    expect(page.locator('[data-testid="report-children"]')).to_contain_text("Sở Kế hoạch và Đầu tư")
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-proposals')) !== undefined")
    page.screenshot(path=str(artifacts / "report_orgcom.png"), full_page=True)
    with page.expect_download() as xlsx:
        page.click('[data-testid="download-xlsx"]')
    book = openpyxl.load_workbook(io.BytesIO(Path(xlsx.value.path()).read_bytes()))
    assert book.worksheets[0]["B1"].value == "UBND tỉnh Demo"
    with page.expect_download() as pdf:
        page.click('[data-testid="download-pdf"]')
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
