"""Deadline compliance (Art. 6, against "né tránh, đùn đẩy") with known numbers: decisions within
7 working days of receipt, results reports within 5 of completion, evaluations within 7 of the
report — on time, late, or overdue now — for the unit and each child, in the API, page and files."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pypdf
from django.utils import timezone

from pilots.models import Pilot
from portal.workdays import add_working_days
from proposals import services
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal
from tests.recognition.conftest import evaluated_pilot, post

API = "/api/v1/reports/compliance/"
START = datetime.date.today()  # the demo's roles start today: the steps cannot be earlier
PERIOD = {"unit": "UBND", "from": START.isoformat(), "to": (START + datetime.timedelta(days=60)).isoformat()}


def at(time_machine, day: datetime.date) -> None:
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(9)))


def steps(as_, demo, time_machine) -> Pilot:
    """Today: a pilot whose every step is on time; a proposal decided 8 working days after
    receipt; one never decided; a pilot whose results report comes 8 working days after completion
    and whose evaluation is then left waiting past its due date."""
    start = timezone.localdate()
    at(time_machine, start)
    evaluated_pilot(as_, demo)
    late = make_proposal(demo["cadre_a"], "submitted")
    make_proposal(demo["cadre_a"], "submitted")
    proposal = make_proposal(demo["cadre_a"], "approved")
    pid = post(as_("head_a"), "/api/v1/pilots/", pilot_body(proposal.pk)).json()["id"]
    assert post(as_("cadre_a"), f"/api/v1/pilots/{pid}/complete/").status_code == 200
    at(time_machine, add_working_days(start, 8))
    head = demo["head_a"]
    services.proposal_record_party_opinion(actor=head, proposal=late, opinion="Thống nhất.", supports=True)
    late.refresh_from_db()
    services.proposal_decide(actor=head, proposal=late, votes_for=1, votes_against=0, head_vote="for",
                             mode="pilot")  # fmt: skip
    report = post(as_("cadre_a"), f"/api/v1/pilots/{pid}/results-report/", {"summary": "Kết quả."})
    assert report.status_code == 200, report.json()
    at(time_machine, add_working_days(start, 17))
    return Pilot.objects.get(pk=pid)


def test_each_deadline_on_time_late_and_overdue(as_, demo, time_machine):
    pilot = steps(as_, demo, time_machine)
    assert pilot.results_reported_on > pilot.results_report_due and pilot.evaluated_on is None
    body = as_("orgcom").get(API, PERIOD).json()
    assert body["decisions"] == {"on_time": 2, "late": 1, "overdue": 1, "share_on_time": 0.667}
    assert body["results_reports"] == {"on_time": 1, "late": 1, "overdue": 0, "share_on_time": 0.5}
    assert body["evaluations"] == {"on_time": 1, "late": 0, "overdue": 1, "share_on_time": 1.0}
    by_unit = {row["unit"]: row for row in body["children"]}
    assert by_unit["SKHDT"]["decisions"] == body["decisions"]
    assert by_unit["SNV"]["evaluations"] == {"on_time": 0, "late": 0, "overdue": 0, "share_on_time": None}
    # a period before: nothing
    empty = as_("orgcom").get(API, PERIOD | {"from": "2025-01-01", "to": "2025-12-31"}).json()
    assert empty["decisions"]["on_time"] == 0 and empty["decisions"]["share_on_time"] is None
    # who may ask: as for the summary
    assert as_("cadre_a").get(API, PERIOD).status_code == 403
    assert as_("head_a").get(API, PERIOD).status_code == 403
    assert as_("head_a").get(API, PERIOD | {"unit": "SKHDT"}).json()["decisions"]["late"] == 1
    assert as_("orgcom").get(API, PERIOD | {"from": "1/12/2026"}).status_code == 400


def test_compliance_on_the_page_and_in_the_files(as_, demo, time_machine, client):
    steps(as_, demo, time_machine)
    client.force_login(demo["orgcom"])
    page = client.get(
        "/reports/", {"unit": "UBND", "period": "custom", "from": "01/12/2026", "to": "31/12/2026"}
    )
    rows = page.context["compliance"]
    assert [row["unit"] for row in rows] == ["UBND", "SKHDT", "SNV"]
    assert rows[0]["cells"][0]["late"] == 1
    shown = page.content.decode()
    assert "report-compliance" in shown and "67%" in shown and "Tuân thủ thời hạn" in shown
    query = {"unit": "UBND", "from": PERIOD["from"], "to": PERIOD["to"]}
    xlsx = as_("orgcom").get("/api/v1/reports/summary/", query | {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Tuân thủ thời hạn"]
    cells = list(sheet.iter_rows(min_row=2, values_only=True))
    assert cells[0][:6] == ("UBND", "UBND tỉnh Demo", 2, 1, 1, 0.667)
    assert sheet["F2"].number_format == "0.0%"
    pdf = as_("orgcom").get("/api/v1/reports/summary/", query | {"format": "pdf"}).content
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Tuân thủ thời hạn" in text and "2 đúng hạn, 1 trễ hạn, 1 đang quá hạn" in text
