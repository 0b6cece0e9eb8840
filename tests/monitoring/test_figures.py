"""The figures of support and urging (CONTRACT, Reports: `obstacles`, `urgings`) with known numbers."""

from __future__ import annotations

import datetime

from monitoring.summary import summary
from portal.models import Unit, User
from portal.workdays import add_working_days
from support.models import Obstacle
from tests.monitoring.test_urgings import post, urge
from tests.support.test_obstacles import ANSWER, RAISE, running_pilot

API = "/api/v1/obstacles/"


def obstacle_figures(unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    return summary(User.objects.get(username="orgcom"), unit, start, end)["obstacles"]


def urging_figures(unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    return summary(User.objects.get(username="orgcom"), unit, start, end)["urgings"]


def test_obstacles_raised_answered_on_time_escalated_and_open(as_, demo, time_machine):
    pid = running_pilot(as_, demo)
    url = f"/api/v1/pilots/{pid}/obstacles/"
    ids = [post(as_("cadre_a"), url, RAISE).json()["id"] for _ in range(4)]
    post(as_("head_a"), f"{API}{ids[0]}/answer/", ANSWER)  # on time
    post(as_("head_a"), f"{API}{ids[1]}/escalate/", {"note": "Lên UBND."})  # escalated, still open
    # the third is answered late; the fourth stays open
    due = Obstacle.objects.get(pk=ids[2]).answer_due
    time_machine.move_to(datetime.datetime.combine(add_working_days(due, 2), datetime.time(9)))
    post(as_("head_a"), f"{API}{ids[2]}/answer/", ANSWER)
    today = datetime.date.today()
    year = (today - datetime.timedelta(days=60), today)
    figures = obstacle_figures(Unit.objects.get(code="UBND"), *year)
    assert figures == {"raised": 4, "answered_on_time": 1, "escalated": 1, "open": 2}
    period = {"unit": "UBND", "from": year[0].isoformat(), "to": year[1].isoformat()}
    assert as_("orgcom").get("/api/v1/reports/summary/", period).json()["obstacles"] == figures
    assert obstacle_figures(Unit.objects.get(code="SNV"), *year) == {
        "raised": 0, "answered_on_time": 0, "escalated": 0, "open": 0,
    }  # fmt: skip
    before = (year[0] - datetime.timedelta(days=400), year[0] - datetime.timedelta(days=300))
    assert obstacle_figures(Unit.objects.get(code="UBND"), *before)["raised"] == 0


def test_urgings_sent_answered_and_items_cleared_within_10_working_days(as_, demo, late, time_machine):
    overdue, _on_time = late
    second = urge(as_, "orgcom", [{"kind": "proposal", "id": overdue.pk}]).json()["id"]
    urge(as_, "head_top", [{"kind": "proposal", "id": overdue.pk}])
    by = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    post(as_("head_b"), f"/api/v1/urgings/{second}/answer/", {"note": "Sẽ quyết định.", "by": by})
    today = datetime.date.today()
    period = (today - datetime.timedelta(days=30), today)
    ubnd = Unit.objects.get(code="UBND")
    assert urging_figures(ubnd, *period) == {"sent": 2, "answered": 1, "items_cleared_in_10_working_days": 0}
    # decided 3 working days later: both urgings' item cleared in time
    time_machine.move_to(datetime.datetime.combine(add_working_days(today, 3), datetime.time(9)))
    post(
        as_("head_b"),
        f"/api/v1/proposals/{overdue.pk}/party-opinion/",
        {"supports": True, "opinion": "Đồng ý."},
    )
    decision = {"decision": "approved", "votes_for": 1, "votes_against": 0, "votes_abstain": 0,
                "head_vote": "for", "mode": "pilot"}  # fmt: skip
    assert post(as_("head_b"), f"/api/v1/proposals/{overdue.pk}/decide/", decision).status_code == 200
    assert urging_figures(ubnd, *period)["items_cleared_in_10_working_days"] == 2
    query = {"unit": "UBND", "from": period[0].isoformat(), "to": period[1].isoformat()}
    assert as_("orgcom").get("/api/v1/reports/summary/", query).json()["urgings"] == {
        "sent": 2, "answered": 1, "items_cleared_in_10_working_days": 2,
    }  # fmt: skip
    assert urging_figures(Unit.objects.get(code="SKHDT"), *period)["sent"] == 0
