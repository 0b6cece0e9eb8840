"""The summary downloaded as XLSX (cells read back with openpyxl) and PDF (text extracted), and the
frozen periodic reports that keep their figures and hash whatever changes later."""

from __future__ import annotations

import datetime
import hashlib
import io
import json

import openpyxl
import pypdf
from django.utils import timezone

from monitoring.models import ReportSnapshot
from tests.monitoring.test_urgings import post
from tests.proposals.conftest import make_proposal

API = "/api/v1/reports/summary/"


def test_the_summary_downloads_as_xlsx_and_pdf(as_, demo):
    make_proposal(demo["cadre_a"], "submitted")
    make_proposal(demo["cadre_b"], "approved")
    today = datetime.date.today().isoformat()
    query = {"unit": "UBND", "from": today, "to": today}
    xlsx = as_("orgcom").get(API, query | {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    # the heading, seven sections, the deadline compliance and the units below
    assert len(book.sheetnames) == 10 and book.sheetnames[-2] == "Tuân thủ thời hạn"
    head = book.worksheets[0]
    assert head["B1"].value == "UBND tỉnh Demo" and head["B2"].value.date() == datetime.date.today()
    proposals = {row[0].value: row[1].value for row in book.worksheets[1].iter_rows(min_row=2)}
    assert proposals["theo trạng thái: Đã gửi"] == 1 and isinstance(proposals["theo trạng thái: Đã gửi"], int)
    assert proposals["theo trạng thái: Được phê duyệt (tập thể lãnh đạo biểu quyết)"] == 1
    children = list(book.worksheets[-1].iter_rows(min_row=2, values_only=True))
    assert {row[0]: row[2] for row in children} == {"SKHDT": 1, "SNV": 1}
    pdf = as_("orgcom").get(API, query | {"format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "UBND TỈNH DEMO",
        "Sở Kế hoạch và Đầu tư",
        "Đã gửi",
    ):
        assert expected in text, expected
    assert as_("cadre_a").get(API, query | {"format": "pdf"}).status_code == 403


def test_a_snapshot_keeps_its_figures_and_hash(as_, demo):
    make_proposal(demo["cadre_a"], "submitted")
    year = datetime.date.today().year
    period = f"{year}-H2" if datetime.date.today().month > 6 else f"{year}-H1"
    assert (
        post(as_("head_top"), "/api/v1/reports/snapshots/", {"unit": "UBND", "period": period}).status_code
        == 403
    )
    assert (
        post(as_("orgcom"), "/api/v1/reports/snapshots/", {"unit": "UBND", "period": "H3"}).status_code == 400
    )
    created = post(as_("orgcom"), "/api/v1/reports/snapshots/", {"unit": "UBND", "period": period})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert set(body) >= {"id", "unit", "period", "figures", "sha256", "created_at"}
    digest = hashlib.sha256(
        json.dumps(body["figures"], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    assert body["sha256"] == digest
    make_proposal(demo["cadre_a"], "submitted")
    make_proposal(demo["cadre_b"], "approved")
    again = as_("orgcom").get(f"/api/v1/reports/snapshots/{body['id']}/").json()
    assert (again["figures"], again["sha256"]) == (body["figures"], body["sha256"])
    now = (
        as_("orgcom")
        .get(API, {"unit": "UBND", "from": again["period_start"], "to": again["period_end"]})
        .json()
    )
    assert now["proposals"]["by_status"] != again["figures"]["proposals"]["by_status"]
    frozen = as_("orgcom").get(f"/api/v1/reports/snapshots/{body['id']}/file/xlsx/")
    assert frozen.status_code == 200 and openpyxl.load_workbook(io.BytesIO(frozen.content))
    assert as_("cadre_a").get(f"/api/v1/reports/snapshots/{body['id']}/").status_code in (403, 404)
    assert ReportSnapshot.objects.get().history.count() == 1


def test_the_report_page(demo, client):
    make_proposal(demo["cadre_a"], "submitted")
    client.force_login(demo["orgcom"])
    page = client.get("/reports/", {"unit": "UBND", "period": "year"})
    shown = page.content.decode()
    assert page.status_code == 200
    for part in ("report-sections", "report-children", "download-xlsx", "download-pdf", "chart-proposals"):
        assert part in shown, part
    assert page.context["figures"]["proposals"]["by_status"]["submitted"] == 1
    custom = client.get(
        "/reports/", {"unit": "SKHDT", "period": "custom", "from": "01/01/2020", "to": "31/12/2020"}
    )
    assert (
        custom.context["unit"].code == "SKHDT"
        and sum(custom.context["figures"]["proposals"]["by_status"].values()) == 0
    )
    assert (
        client.get("/reports/", {"period": "custom", "from": "x", "to": "y"}).status_code == 200
    )  # a message, the default
    client.force_login(demo["cadre_a"])
    assert client.get("/reports/").status_code == 403
    client.force_login(demo["head_a"])
    assert [code for code, _label in client.get("/reports/").context["picker"]] == ["SKHDT"]


def test_the_report_page_freezes_a_periodic_report(demo, client):
    """What the API's snapshots offer, the page offers too (to Organisation Committee staff)."""
    from monitoring.models import ReportSnapshot

    client.force_login(demo["orgcom"])
    page = client.get("/reports/", {"unit": "UBND"}).content.decode()
    year = timezone.localdate().year
    assert 'data-action="freeze"' in page and f'value="{year}-H1"' in page and "data-confirm" in page
    done = client.post("/reports/snapshots/", {"unit": "UBND", "period": f"{year}-H1"})
    assert done.status_code == 302 and done["Location"] == "/reports/?unit=UBND"
    snapshot = ReportSnapshot.objects.get()
    assert (snapshot.period, snapshot.created_by, len(snapshot.sha256)) == (f"{year}-H1", demo["orgcom"], 64)
    assert f"{year}-H1" in client.get("/reports/", {"unit": "UBND"}).content.decode()
    client.post("/reports/snapshots/", {"unit": "UBND", "period": "H3"})  # unreadable: told, nothing kept
    assert ReportSnapshot.objects.count() == 1
    assert client.post("/reports/snapshots/", {"unit": "NOPE", "period": f"{year}"}).status_code == 404
    client.force_login(demo["head_top"])  # a head reports, but does not freeze
    assert 'data-action="freeze"' not in client.get("/reports/", {"unit": "UBND"}).content.decode()
    assert client.post("/reports/snapshots/", {"unit": "UBND", "period": f"{year}"}).status_code == 403
    assert ReportSnapshot.objects.count() == 1
