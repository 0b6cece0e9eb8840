"""Issue "Organisation changes": reports count by today's structure of units (the default) or by the
structure at the period's end — each unit where it stood then, under its name then, and each record
in the unit it belonged to then, though a reorganisation moved it afterwards."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.utils import timezone

from monitoring.models import ExportJob
from organisation import services
from organisation.plan import normalised
from portal.models import Unit
from proposals.models import Proposal
from tests.proposals.conftest import make_proposal

SUMMARY, COMPLIANCE = "/api/v1/reports/summary/", "/api/v1/reports/compliance/"
FIRST_HALF = {"unit": "UBND", "from": "2027-01-01", "to": "2027-06-30"}


def at(*when: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*when))


@pytest.fixture
def merged(demo, time_machine) -> dict[str, Proposal]:
    """Three proposals of March 2027 — SNV's open one and its rejected one, SKHDT's open one — and
    on 1 July SNV merged into SKHDT, which is renamed; the reports are read in December."""
    time_machine.move_to(at(2027, 3, 10, 9))
    records = {
        "snv_open": make_proposal(demo["cadre_b"], "submitted", title="Mở SNV"),
        "snv_rejected": make_proposal(demo["cadre_b"], "rejected", title="Từ chối SNV"),
        "skhdt_open": make_proposal(demo["cadre_a"], "submitted", title="Mở SKHDT"),
    }
    time_machine.move_to(at(2027, 7, 1, 8))
    steps = [
        {"merge": ["SNV"], "into": "SKHDT"},
        {"rename": "SKHDT", "name": "Sở Kế hoạch, Đầu tư và Nội vụ"},
    ]
    plan = normalised({"reference": "NQ 07/2027", "effective_on": "2027-07-01", "steps": steps})
    reorganisation, _new = services.reorganisation_load(actor=demo["admin"], plan=plan)
    services.reorganisation_apply(actor=demo["admin"], reorganisation=reorganisation)
    time_machine.move_to(at(2027, 12, 1, 9))
    return records


def children(body: dict) -> dict[str, tuple[str, int]]:
    return {row["unit"]: (row["name"], row["proposals"]) for row in body["children"]}


def test_todays_structure_counts_the_merged_unit_under_its_successor(merged, as_):
    body = as_("orgcom").get(SUMMARY, FIRST_HALF).json()
    assert sum(body["proposals"]["by_status"].values()) == 3
    assert "SNV" not in children(body)
    assert children(body)["SKHDT"] == ("Sở Kế hoạch, Đầu tư và Nội vụ", 3)
    assert as_("orgcom").get(SUMMARY, FIRST_HALF | {"structure": "today"}).json() == body
    # SNV's own subtree today: what was decided in it; its open proposal went to SKHDT
    snv = as_("orgcom").get(SUMMARY, FIRST_HALF | {"unit": "SNV"}).json()
    assert snv["proposals"]["by_status"]["rejected"] == 1
    assert sum(snv["proposals"]["by_status"].values()) == 1


def test_the_structure_at_the_periods_end_counts_each_record_where_it_was(merged, as_):
    assert Proposal.objects.get(pk=merged["snv_open"].pk).unit.code == "SKHDT"  # moved by the merger
    query = FIRST_HALF | {"structure": "period_end"}
    body = as_("orgcom").get(SUMMARY, query).json()
    assert sum(body["proposals"]["by_status"].values()) == 3
    assert children(body)["SKHDT"] == ("Sở Kế hoạch và Đầu tư", 1)
    assert children(body)["SNV"] == ("Sở Nội vụ", 2)
    snv = as_("orgcom").get(SUMMARY, query | {"unit": "SNV"}).json()
    assert snv["proposals"]["by_status"] | {"submitted": 1, "rejected": 1} == snv["proposals"]["by_status"]
    assert sum(snv["proposals"]["by_status"].values()) == 2
    deadlines = as_("orgcom").get(COMPLIANCE, query).json()
    assert {row["unit"] for row in deadlines["children"]} >= {"SKHDT", "SNV"}
    # a period after the merger: the structure then is today's
    later = {"unit": "UBND", "from": "2027-07-01", "to": "2027-11-30"}
    assert children(as_("orgcom").get(SUMMARY, later | {"structure": "period_end"}).json()) == children(
        as_("orgcom").get(SUMMARY, later).json()
    )


def test_the_report_page_offers_both_structures(merged, client, demo):
    client.force_login(demo["orgcom"])
    page = client.get(
        "/reports/",
        {
            "unit": "UBND",
            "period": "custom",
            "from": "01/01/2027",
            "to": "30/06/2027",
            "structure": "period_end",
        },
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="period_end" selected' in text
    assert "Sở Nội vụ" in text and "Sở Kế hoạch và Đầu tư" in text
    assert "structure=period_end" in text  # its links keep it
    today = client.get("/reports/", {"unit": "UBND", "period": "custom", "from": "01/01/2027",
                                            "to": "30/06/2027"}).content.decode()  # fmt: skip
    assert "Sở Kế hoạch, Đầu tư và Nội vụ" in today


def test_a_structure_that_cannot_be_read_is_a_clear_400(merged, as_, demo, client):
    wrong = as_("orgcom").get(SUMMARY, FIRST_HALF | {"structure": "yesterday"})
    assert wrong.status_code == 400 and "structure" in wrong.json()
    Unit.objects.create(
        code="STC", name="Sở Tài chính", kind="department", parent=Unit.objects.get(code="UBND")
    )
    unborn = as_("orgcom").get(SUMMARY, FIRST_HALF | {"unit": "STC", "structure": "period_end"})
    assert unborn.status_code == 400 and "structure" in unborn.json()
    assert as_("orgcom").get(SUMMARY, FIRST_HALF | {"unit": "STC"}).status_code == 200
    client.force_login(demo["orgcom"])
    page = client.get("/reports/", {"unit": "STC", "period": "custom", "from": "01/01/2027",
                                           "to": "30/06/2027", "structure": "period_end"})  # fmt: skip
    assert page.status_code == 200  # today's structure, with the reason
    assert "did not exist yet" in page.content.decode() or "chưa được thành lập" in page.content.decode()


def test_a_download_prepared_in_the_background_keeps_the_structure(
    merged, client, demo, django_capture_on_commit_callbacks
):
    client.force_login(demo["orgcom"])
    ask = {
        "unit": "UBND",
        "from": "2027-01-01",
        "to": "2027-06-30",
        "kind": "xlsx",
        "structure": "period_end",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/reports/downloads/", ask).status_code == 302
    job = ExportJob.objects.get()
    assert (job.structure, job.status) == ("period_end", "done")
    book = openpyxl.load_workbook(job.file.open("rb"))
    cells = {str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row}
    assert {"Sở Nội vụ", "Sở Kế hoạch và Đầu tư", "Cơ cấu đơn vị tại thời điểm cuối kỳ"} <= cells
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/downloads/", ask | {"structure": "tomorrow"})
    assert ExportJob.objects.count() == 1  # refused, with the reason on the page


def test_a_split_after_the_period_leaves_the_unit_whole_at_the_periods_end(demo, time_machine, as_):
    time_machine.move_to(at(2027, 3, 10, 9))
    make_proposal(demo["cadre_a"], "submitted")
    make_proposal(demo["cadre_a2"], "submitted")
    make_proposal(demo["cadre_a"], "rejected")
    time_machine.move_to(at(2027, 7, 1, 8))
    parts = [{"code": "SKH", "name": "Sở Kế hoạch"}, {"code": "SDT", "name": "Sở Đầu tư"}]
    split = {"split": "SKHDT", "into": parts, "people": {"cadre_a2": "SDT"}}
    plan = normalised({"reference": "NQ 08/2027", "effective_on": "2027-07-01", "steps": [split]})
    services.reorganisation_apply(
        actor=demo["admin"], reorganisation=services.reorganisation_load(actor=demo["admin"], plan=plan)[0]
    )
    time_machine.move_to(at(2027, 12, 1, 9))
    today = children(as_("orgcom").get(SUMMARY, FIRST_HALF).json())
    assert (today["SKHDT"][1], today["SKH"][1], today["SDT"][1]) == (1, 1, 1)
    then = children(as_("orgcom").get(SUMMARY, FIRST_HALF | {"structure": "period_end"}).json())
    assert then["SKHDT"] == ("Sở Kế hoạch và Đầu tư", 3) and "SKH" not in then and "SDT" not in then
