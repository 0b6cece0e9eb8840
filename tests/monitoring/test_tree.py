"""The summary over a three-level tree (UBND → SKHDT → its division) with known numbers, for the
root, the middle unit and the leaf, in two periods — through the API, the page, the XLSX and the
PDF — and equal to what the same caller can list."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pypdf
import pytest

from portal.models import RoleAssignment, Unit, User
from tests.proposals.conftest import make_proposal

API = "/api/v1/reports/summary/"
LAST_YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


@pytest.fixture
def tree(demo, time_machine):
    """A division under SKHDT with its own head and cadre; proposals made in 2025 and today."""
    division = Unit.objects.create(code="PKH", name="Phòng Kế hoạch tổng hợp", parent=demo["head_a"].unit)
    head = User.objects.create(username="head_c", full_name="Trưởng Phòng Kế Hoạch", unit=division)
    cadre = User.objects.create(username="cadre_c", full_name="Cán Bộ Phòng Kế Hoạch", unit=division)
    for person, role in ((head, "head"), (cadre, "cadre")):
        RoleAssignment.objects.create(
            user=person, role=role, unit=division, started_on=datetime.date(2020, 1, 1)
        )
    RoleAssignment.objects.update(started_on=datetime.date(2020, 1, 1))
    time_machine.move_to(datetime.datetime(2025, 5, 6, 9, 0))
    for author, state in ((cadre, "submitted"), (demo["cadre_a"], "approved"), (demo["cadre_b"], "rejected")):
        make_proposal(author, state)
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0))
    for author, state in (
        (cadre, "approved"), (cadre, "returned"), (demo["cadre_a"], "submitted"), (demo["cadre_a"], "draft"),
        (demo["cadre_b"], "approved_by_head"),
    ):  # fmt: skip
        make_proposal(author, state)
    return {"division": division, "head": head}


def counts(body: dict) -> dict:
    return {status: n for status, n in body["proposals"]["by_status"].items() if n}


def test_every_level_and_both_periods(as_, api, demo, tree, client):
    today = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    expected = {
        ("UBND", today): {"approved": 1, "returned": 1, "submitted": 1, "approved_by_head": 1},
        ("SKHDT", today): {"approved": 1, "returned": 1, "submitted": 1},
        ("PKH", today): {"approved": 1, "returned": 1},
        ("UBND", LAST_YEAR): {"submitted": 1, "approved": 1, "rejected": 1},
        ("SKHDT", LAST_YEAR): {"submitted": 1, "approved": 1},
        ("PKH", LAST_YEAR): {"submitted": 1},
    }
    for (unit, (start, end)), wanted in expected.items():
        body = as_("orgcom").get(API, {"unit": unit, "from": start.isoformat(), "to": end.isoformat()}).json()
        assert counts(body) == wanted, (unit, start)
        # the PDF and the XLSX say the same
        query = {"unit": unit, "from": start.isoformat(), "to": end.isoformat()}
        book = openpyxl.load_workbook(io.BytesIO(as_("orgcom").get(API, query | {"format": "xlsx"}).content))
        sheet = {row[0].value: row[1].value for row in book.worksheets[1].iter_rows(min_row=2)}
        assert sum(v for k, v in sheet.items() if k.startswith("theo trạng thái")) == sum(wanted.values())
        pdf = as_("orgcom").get(API, query | {"format": "pdf"}).content
        text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
        assert Unit.objects.get(code=unit).name.upper() in text
    middle = as_("orgcom").get(API, {"unit": "SKHDT", "from": "2026-01-01", "to": "2026-12-31"}).json()
    child = {
        "unit": "PKH",
        "name": "Phòng Kế hoạch tổng hợp",
        "proposals": 2,
        "approved": 1,
        "pilots": 0,
        "overdue": 0,
    }
    assert middle["children"] == [child]
    # the leaf's own head sees the leaf, not the middle unit
    leaf_head = api(tree["head"])
    assert counts(leaf_head.get(API, {"unit": "PKH", "from": "2026-01-01", "to": "2026-12-31"}).json()) == {
        "approved": 1, "returned": 1,
    }  # fmt: skip
    assert leaf_head.get(API, {"unit": "SKHDT"}).status_code == 403
    client.force_login(demo["orgcom"])
    page = client.get(
        "/reports/", {"unit": "PKH", "period": "custom", "from": "01/01/2025", "to": "31/12/2025"}
    )
    assert counts(page.context["figures"]) == {"submitted": 1}


def test_the_figures_equal_what_the_caller_can_list(as_, demo, tree):
    body = as_("head_a").get(API, {"unit": "SKHDT", "from": "2025-01-01", "to": "2026-12-31"}).json()
    for status, n in body["proposals"]["by_status"].items():
        listed = as_("head_a").get("/api/v1/proposals/", {"status": status}).json()["count"]
        assert listed == n, status
