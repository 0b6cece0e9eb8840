"""Indicators and milestones as rows of a table (issue 13: no more `name; unit; baseline; target`
lines): each row checked on its own and its error named by row, a row emptied to remove it, a
number typed with the Vietnamese decimal comma, milestones within the pilot's dates — and text
sent the old way, or rows tampered with, refused with an error and nothing saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from pilots.models import Pilot
from tests.form_rows import rows_data
from tests.pilots import test_rules
from tests.pilots.test_rules import new_pilot
from tests.proposals.conftest import make_proposal

people = test_rules.people  # the demo organisation on Monday 4 January 2027, the clock stopped

PLAN = {
    "start_date": "04/01/2027", "end_date": "30/06/2027", "report_frequency": "monthly",
    "budget_vnd": "1000000", "resources": "", "scope": "", "implementers": "cadre_a",
}  # fmt: skip
TIME = {"name": "Thời gian xử lý hồ sơ", "unit": "ngày", "baseline": "45", "target": "15"}
ONLINE = {"name": "Tỷ lệ hồ sơ trực tuyến", "unit": "%", "baseline": "10,5", "target": "80"}
BLANK = {"name": "", "unit": "", "baseline": "", "target": ""}
EMPTY = {"name": "", "due_date": ""}


def head_posts(people, proposal, body: dict):
    client = Client()
    client.force_login(people["head_a"])
    return client.post(f"/pilots/new/{proposal.pk}/", body)


def test_rows_become_indicators_and_milestones_blank_rows_are_skipped(people):
    proposal = make_proposal(people["cadre_a"], "approved")
    body = {
        **PLAN,
        **rows_data("indicators", [TIME, BLANK, ONLINE]),
        **rows_data("milestones", [{"name": "Ban hành quy trình", "due_date": "15/02/2027"}, EMPTY]),
    }  # fmt: skip
    assert head_posts(people, proposal, body).status_code == 302
    pilot = Pilot.objects.get(proposal=proposal)
    rows = list(pilot.indicators.values_list("name", "unit", "baseline", "target"))
    assert rows == [
        ("Thời gian xử lý hồ sơ", "ngày", Decimal(45), Decimal(15)),
        ("Tỷ lệ hồ sơ trực tuyến", "%", Decimal("10.5"), Decimal(80)),  # "10,5" as typed in Vietnamese
    ]
    assert list(pilot.milestones.values_list("name", flat=True)) == ["Ban hành quy trình"]


@pytest.mark.parametrize(
    ("rows", "milestones", "said"),
    [
        ([TIME, {**ONLINE, "target": "nhiều"}], [], "dòng 2, mục tiêu"),
        ([TIME, {**ONLINE, "name": ""}], [], "dòng 2, chỉ tiêu"),
        ([TIME, TIME], [], "Tên các chỉ tiêu không được trùng nhau"),
        ([TIME], [{"name": "Tổng kết", "due_date": "31/12/2027"}], "nằm ngoài thời gian thí điểm: Tổng kết"),
        ([TIME], [{"name": "Tổng kết", "due_date": "31/02/2027"}], "dòng 1, hạn hoàn thành"),
    ],
)
def test_a_wrong_row_is_named_and_nothing_is_saved(people, rows, milestones, said):
    proposal = make_proposal(people["cadre_a"], "approved")
    body = {**PLAN, **rows_data("indicators", rows), **rows_data("milestones", milestones)}
    response = head_posts(people, proposal, body)
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-error-summary" in page and said in page, said
    last = len(rows) - 1  # what was typed stays
    assert f'name="indicators-{last}-unit" value="{rows[last]["unit"]}"' in page
    assert not Pilot.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize(
    "indicators",
    [
        {"indicators": "Thời gian xử lý hồ sơ; ngày; 45; 15"},  # the old way, as text
        {**rows_data("indicators", [TIME]), "indicators-TOTAL_FORMS": "x"},
        {**rows_data("indicators", [TIME]), "indicators-INITIAL_FORMS": ""},
    ],
)
def test_rows_that_cannot_be_read_are_refused_not_dropped(people, indicators):
    proposal = make_proposal(people["cadre_a"], "approved")
    response = head_posts(people, proposal, {**PLAN, **indicators})
    assert response.status_code == 400
    assert "Không đọc được các dòng của bảng" in response.content.decode()
    assert not Pilot.objects.filter(proposal=proposal).exists()


def test_an_enormous_row_count_reads_at_most_fifty_rows(people):
    proposal = make_proposal(people["cadre_a"], "approved")
    rows = [{**TIME, "name": f"Chỉ tiêu {n}"} for n in range(60)]
    response = head_posts(people, proposal, {**PLAN, **rows_data("indicators", rows)})
    assert response.status_code == 302
    assert Pilot.objects.get(proposal=proposal).indicators.count() == 50


def test_the_adjustment_keeps_indicators_left_alone_and_retires_a_row_emptied(people):
    pilot = new_pilot(people)
    client = Client()
    client.force_login(people["head_a"])
    plan = {**PLAN, "reason": "Điều chỉnh kinh phí", "budget_vnd": "2000000"}
    current = {"name": "Thời gian xử lý hồ sơ", "unit": "ngày", "baseline": "45", "target": "15"}
    indicator = pilot.indicators.get()
    written = indicator.history.count()
    response = client.post(f"/pilots/{pilot.pk}/adjust/", {**plan, **rows_data("indicators", [current])})
    assert response.status_code == 302
    assert pilot.versions.count() == 2 and indicator.history.count() == written  # left as it was
    body = {**plan, "reason": "Thêm chỉ tiêu", **rows_data("indicators", [BLANK, ONLINE])}
    assert client.post(f"/pilots/{pilot.pk}/adjust/", body).status_code == 302
    assert list(pilot.indicators.filter(retired=False).values_list("name", flat=True)) == [
        "Tỷ lệ hồ sơ trực tuyến"
    ]
