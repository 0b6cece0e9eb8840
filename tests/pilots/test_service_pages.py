"""The pilot page as a person reads it (issue 13): no internals (a pilot id before a report's
period, a target written "4E+1", ISO dates on the chart, '40.0000' in the plan's diff), the scope
entered on the plan shown, a corrected report's values counted once, each form with its own field
ids and the head's review in a panel of its own rather than squeezed into a table cell."""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from pilots import services
from pilots.models import Pilot, ProgressReport
from portal.models import User
from tests.pilots.test_rules import HANOI, TODAY, new_pilot

D = datetime.date


@pytest.fixture
def people(db):
    traveller = time_machine.travel(
        datetime.datetime.combine(TODAY, datetime.time(9), tzinfo=HANOI), tick=False
    )
    clock = traveller.start()
    call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
    people = {user.username: user for user in User.objects.select_related("unit")}
    people["clock"] = clock
    yield people
    traveller.stop()


def page(user, pilot: Pilot) -> str:
    client = Client()
    client.force_login(user)
    answer = client.get(f"/pilots/{pilot.pk}/")
    assert answer.status_code == 200
    return answer.content.decode()


def running(people, **extra) -> Pilot:
    pilot = new_pilot(people, **extra)
    pilot.refresh_from_db()
    return services.pilot_start(pilot=pilot, actor=people["head_a"])


def report(people, pilot: Pilot, period_end: datetime.date, value: int) -> ProgressReport:
    return services.report_submit(
        actor=people["cadre_a"], pilot=pilot, period_end=period_end, summary="Tiến độ",
        progress_percent=20, indicator_values=[{"name": "Thời gian xử lý hồ sơ", "value": value}],
    )  # fmt: skip


def test_the_attachment_form_names_a_report_by_its_period_alone(people):
    pilot = running(people)
    text = page(people["cadre_a"], pilot)
    select = text[text.index('name="report"') : text.index("</select>", text.index('name="report"'))]
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)
    assert options and all(re.fullmatch(r"\d\d/\d\d/\d{4} – \d\d/\d\d/\d{4}", o) for o in options), options


def test_the_scope_entered_on_the_plan_is_shown(people):
    pilot = running(people)
    Pilot.objects.filter(pk=pilot.pk).update(scope="Ba phường của thành phố Demo")
    text = page(people["head_a"], pilot)
    assert 'data-testid="scope"' in text and "Ba phường của thành phố Demo" in text


def test_the_adjustment_form_writes_a_round_target_as_typed(people):
    pilot = running(people)
    pilot.indicators.update(target=40)
    text = page(people["head_a"], pilot)
    assert 'name="indicators-0-name" value="Thời gian xử lý hồ sơ"' in text
    assert 'name="indicators-0-baseline" value="45"' in text
    assert 'name="indicators-0-target" value="40"' in text
    assert "E+" not in text


def test_a_corrected_report_counts_once_and_the_chart_reads_dd_mm_yyyy_in_date_order(people):
    pilot = running(people)
    first, second = list(pilot.reports.order_by("period_end"))[:2]
    people["clock"].move_to(datetime.datetime.combine(second.period_end, datetime.time(9), tzinfo=HANOI))
    report(people, pilot, second.period_end, 30)
    sent = report(people, pilot, first.period_end, 40)
    services.report_review(actor=people["head_a"], report=sent, accept=False, note="Sửa số liệu")
    report(people, pilot, first.period_end, 38)  # the correction
    text = page(people["head_a"], pilot)
    history = text[text.index('data-testid="indicator-table"') :]
    history = history[: history.index("</table>")]
    assert history.count(": 38") == 1 and ": 40" not in history and ": 30" in history
    chart = json.loads(
        re.search(r'id="indicator-data" type="application/json">(.+?)</script>', text).group(1)
    )
    days = [first.period_end.strftime("%d/%m/%Y"), second.period_end.strftime("%d/%m/%Y")]
    assert chart["labels"] == days
    assert [point["x"] for point in chart["indicators"][0]["points"]] == days
    assert [point["y"] for point in chart["indicators"][0]["points"]] == [38, 30]


def test_the_plan_diff_reads_as_numbers_dates_and_money(people):
    pilot = running(people)
    services.pilot_adjust(
        actor=people["head_a"], pilot=pilot, reason="Điều chỉnh theo thực tế",
        changes={
            "budget_vnd": 165_000_000, "end_date": D(2027, 9, 30),
            "indicators": [{"name": "Thời gian xử lý hồ sơ", "unit": "ngày", "baseline": 45, "target": 12.5}],
        },
    )  # fmt: skip
    text = page(people["head_a"], pilot)
    diff = text[text.index('data-testid="plan-diff"') :]
    diff = diff[: diff.index("</table>")]
    assert "165.000.000 ₫" in diff and "30/09/2027" in diff and "45 → 12,5 ngày" in diff
    assert "budget_vnd" not in diff and "0000" not in diff and "2027-09-30" not in diff
    assert "Kinh phí" in diff  # the label, capitalised


def test_the_head_reviews_a_report_in_a_panel_of_its_own_and_no_field_id_repeats(people):
    pilot = running(people)
    first = pilot.reports.order_by("period_end").first()
    people["clock"].move_to(datetime.datetime.combine(first.period_end, datetime.time(9), tzinfo=HANOI))
    report(people, pilot, first.period_end, 40)
    for action in ("Bổ sung nhân lực", "Cập nhật kế hoạch"):
        services.inspection_record(
            actor=people["inspector"], pilot=pilot, findings="Chậm tiến độ", severity="minor",
            corrective_actions=action, due_date=first.period_end + datetime.timedelta(days=10),
        )  # fmt: skip
    text = page(people["head_a"], pilot)
    table = text[
        text.index('data-testid="reports"') : text.index("</table>", text.index('data-testid="reports"'))
    ]
    assert "<form" not in table  # the table links to the review, it does not hold it
    assert f'href="#review-{first.pk}"' in table
    assert f'id="review-{first.pk}"' in text and 'data-testid="review-panel"' in text
    ids = Counter(re.findall(r'\sid="([^"]+)"', text))
    assert [name for name, count in ids.items() if count > 1] == []
    # the two corrective actions each have their own closing form
    assert len(re.findall(r'action="/pilots/\d+/close-action/"', text)) == 2


def test_an_implementer_reads_the_proposal_behind_their_pilot_and_can_do_nothing_on_it(people):
    pilot = running(people)  # written by cadre_a, carried out by cadre_a and cadre_a2
    reader = Client()
    reader.force_login(people["cadre_a2"])
    answer = reader.get(f"/proposals/{pilot.proposal_id}/")
    assert answer.status_code == 200
    text = answer.content.decode()
    assert 'data-testid="actions"' not in text and f"/proposals/{pilot.proposal_id}/edit/" not in text
    assert reader.get(f"/api/v1/proposals/{pilot.proposal_id}/").status_code == 200
    assert reader.post(f"/proposals/{pilot.proposal_id}/withdraw/").status_code == 403
    outsider = Client()
    outsider.force_login(people["cadre_b"])
    assert outsider.get(f"/proposals/{pilot.proposal_id}/").status_code == 404


def test_an_irreversible_step_says_what_it_means_and_asks_again(people):
    pilot = running(people)
    text = page(people["head_a"], pilot)
    terminate = text[text.index('data-action="terminate"') :]
    terminate = terminate[: terminate.index("</details>")]
    assert 'data-testid="consequence"' in terminate and "không thể" in terminate  # "cannot be resumed"
    assert re.search(r'<button[^>]*data-confirm="[^"]+"', terminate)
    suspend = text[text.index('data-action="suspend"') :]
    assert "data-confirm" not in suspend[: suspend.index("</details>")]  # suspending can be undone


def test_the_report_period_is_chosen_among_the_periods_due_not_typed(people):
    pilot = running(people)
    periods = list(pilot.reports.order_by("period_end"))
    people["clock"].move_to(
        datetime.datetime.combine(periods[1].period_start, datetime.time(9), tzinfo=HANOI)
    )
    text = page(people["cadre_a"], pilot)
    form = text[text.index('data-action="report"') :]
    form = form[: form.index("</details>")]
    assert '<select name="period_end"' in form
    offered = re.findall(r'<option value="(\d\d/\d\d/\d{4})"[^>]*>([^<]+)</option>', form)
    day = "%d/%m/%Y"
    # the two periods begun, the earliest first; none that has not begun yet
    assert [value for value, _label in offered] == [p.period_end.strftime(day) for p in periods[:2]]
    assert offered[0][1].startswith(
        f"{periods[0].period_start.strftime(day)} – {periods[0].period_end.strftime(day)}"
    )
    client = Client()
    client.force_login(people["cadre_a"])
    later = periods[3].period_end.strftime(day)
    answer = client.post(
        f"/pilots/{pilot.pk}/report/", {"period_end": later, "progress_percent": "10", "summary": "Sớm"}
    )
    assert (
        answer.status_code == 400
        and not ProgressReport.objects.filter(pilot=pilot, status="submitted").exists()
    )
    answer = client.post(
        f"/pilots/{pilot.pk}/report/",
        {"period_end": offered[0][0], "progress_percent": "10", "summary": "Kỳ đầu"},
    )
    assert answer.status_code == 302
    assert pilot.reports.get(period_end=periods[0].period_end).status == "submitted"


def test_the_pilot_form_starts_from_the_proposals_plan(people):
    from tests.proposals.conftest import make_proposal

    proposal = make_proposal(
        people["cadre_a"], "approved", start_date=D(2027, 2, 1), end_date=D(2027, 7, 31),
        budget_vnd=320_000_000, resources="Tổ công tác 3 người", scope="Hai phường",
    )  # fmt: skip
    client = Client()
    client.force_login(people["head_a"])
    text = client.get(f"/pilots/new/{proposal.pk}/").content.decode()
    assert 'value="01/02/2027"' in text and 'value="31/07/2027"' in text
    assert 'value="320000000"' in text and "Tổ công tác 3 người" in text and "Hai phường" in text
    assert "đã kết thúc" in text  # what a start before today means, said beside the date


def test_my_work_lists_what_waits_for_each_role(people):
    pilot = running(people)
    first, second = list(pilot.reports.order_by("period_end"))[:2]
    people["clock"].move_to(datetime.datetime.combine(second.period_end, datetime.time(9), tzinfo=HANOI))
    returned = report(people, pilot, first.period_end, 40)
    services.report_review(actor=people["head_a"], report=returned, accept=False, note="Bổ sung số liệu")
    waiting = report(people, pilot, second.period_end, 30)
    services.inspection_record(
        actor=people["inspector"], pilot=pilot, findings="Chậm tiến độ", severity="minor",
        corrective_actions="Bổ sung nhân lực", due_date=second.period_end + datetime.timedelta(days=10),
    )  # fmt: skip

    def home(username: str) -> str:
        client = Client()
        client.force_login(people[username])
        return client.get("/").content.decode()

    head = home("head_a")
    assert f"/pilots/{pilot.pk}/#review-{waiting.pk}" in head  # a report to review
    assert "Bổ sung nhân lực" in head  # the corrective action on a pilot the unit directs
    cadre = home("cadre_a")
    assert 'data-testid="returned-report"' in cadre and "Bổ sung nhân lực" in cadre
    assert "Bổ sung nhân lực" in home("inspector")


def test_my_work_tells_two_reports_due_on_one_pilot_apart_by_their_period(people):
    pilot = running(people)
    first, second = list(pilot.reports.order_by("period_end"))[:2]
    people["clock"].move_to(datetime.datetime.combine(second.due_date, datetime.time(9), tzinfo=HANOI))
    client = Client()
    client.force_login(people["cadre_a"])
    home = client.get("/").content.decode()
    for due in (first, second):
        assert f"kỳ {due.period_start:%d/%m/%Y}–{due.period_end:%d/%m/%Y}" in home
