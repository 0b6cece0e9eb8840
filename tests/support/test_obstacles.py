"""Obstacles through the API (CONTRACT, Obstacles) and the pages: raised by an implementer,
answered, escalated (the unit above answers with a new 5-working-day clock), confirmed cleared or
reopened; every action's 403/404/409/400; and the obstacle on the case page of a failed pilot."""

from __future__ import annotations

import pytest
from django.utils import timezone

from portal.models import Notification
from portal.workdays import add_working_days
from support.models import Obstacle
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal

API = "/api/v1/obstacles/"
RAISE = {"kind": "legal", "description": "Chưa có quy định về chữ ký số.", "request": "Xin hướng dẫn."}
ANSWER = {"decision": "support_granted", "note": "Sở Tư pháp hướng dẫn trong tuần."}


@pytest.fixture
def as_(demo, api):
    return lambda username: api(demo[username])


def post(client, path: str, body: dict | None = None):
    return client.post(path, body or {}, format="json")


def running_pilot(as_, demo) -> int:
    proposal = make_proposal(demo["cadre_a"], "approved")
    response = post(as_("head_a"), "/api/v1/pilots/", pilot_body(proposal.pk))
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def raised(as_, demo, **extra) -> dict:
    pid = running_pilot(as_, demo)
    response = post(as_("cadre_a"), f"/api/v1/pilots/{pid}/obstacles/", RAISE | extra)
    assert response.status_code == 201, response.json()
    return response.json()


def test_an_implementer_raises_an_obstacle_for_the_directing_head_within_5_working_days(as_, demo):
    pid = running_pilot(as_, demo)
    url = f"/api/v1/pilots/{pid}/obstacles/"
    assert post(as_("head_a"), url, RAISE).status_code == 403  # not an implementer
    assert post(as_("head_b"), url, RAISE).status_code == 404  # an outsider
    assert post(as_("cadre_a"), url, RAISE | {"kind": "weather"}).status_code == 400
    assert post(as_("cadre_a"), url, RAISE | {"request": ""}).status_code == 400
    response = post(as_("cadre_a2"), url, RAISE)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["answerer_unit"], body["raised_by"]) == ("open", "SKHDT", "cadre_a2")
    assert (
        body["answer_due"]
        == add_working_days(timezone.localdate(Obstacle.objects.get().raised_at), 5).isoformat()
    )
    listed = as_("head_a").get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    assert as_("head_b").get(url).status_code == 404
    assert Notification.objects.filter(recipient=demo["head_a"], kind="obstacle_event").count() == 1


def test_answer_escalate_confirm_and_reopen(as_, demo):
    obstacle = raised(as_, demo)
    url = f"{API}{obstacle['id']}/"
    # escalate: the head of SKHDT sends it up; UBND's head answers, with a new clock
    assert post(as_("head_top"), f"{url}escalate/", {"note": "x"}).status_code == 403
    assert post(as_("head_a"), f"{url}escalate/", {"note": ""}).status_code == 400
    escalated = post(as_("head_a"), f"{url}escalate/", {"note": "Vượt thẩm quyền của Sở."})
    assert escalated.status_code == 200, escalated.json()
    body = escalated.json()
    assert (body["status"], body["answerer_unit"], body["escalations"]) == ("open", "UBND", 1)
    assert post(as_("head_a"), f"{url}answer/", ANSWER).status_code == 403  # no longer hers
    assert post(as_("head_top"), f"{url}escalate/", {"note": "Lên nữa"}).status_code == 409  # the root
    assert post(as_("head_top"), f"{url}answer/", ANSWER | {"decision": "maybe"}).status_code == 400
    assert post(as_("head_top"), f"{url}answer/", ANSWER | {"note": ""}).status_code == 400
    answered = post(as_("head_top"), f"{url}answer/", ANSWER)
    assert answered.status_code == 200
    body = answered.json()
    assert (body["status"], body["decision"], body["answered_by"], body["answered_on_time"]) == (
        "answered", "support_granted", "head_top", True,
    )  # fmt: skip
    assert post(as_("head_top"), f"{url}answer/", ANSWER).status_code == 409
    assert post(as_("head_top"), f"{url}confirm/", {"cleared": True}).status_code == 403
    assert post(as_("cadre_a"), f"{url}confirm/", {"cleared": "perhaps"}).status_code == 400
    reopened = post(as_("cadre_a"), f"{url}confirm/", {"cleared": False, "note": "Chưa có văn bản."})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert reopened.json()["answerer_unit"] == "UBND" and reopened.json()["decision"] == ""
    assert post(as_("cadre_a"), f"{url}confirm/", {"cleared": True}).status_code == 409
    post(as_("head_top"), f"{url}answer/", ANSWER)
    cleared = post(as_("cadre_a2"), f"{url}confirm/", {"cleared": True, "note": "Đã có văn bản."})
    assert cleared.status_code == 200 and cleared.json()["status"] == "cleared"
    assert cleared.json()["cleared_at"]
    history = as_("cadre_a").get(f"{url}history/").json()
    assert [(r["from_status"], r["to_status"]) for r in history] == [
        ("open", "open"), ("open", "open"), ("open", "answered"), ("answered", "open"),
        ("open", "answered"), ("answered", "cleared"),
    ]  # fmt: skip
    assert as_("head_b").get(url).status_code == 404
    assert post(as_("head_b"), f"{url}answer/", ANSWER).status_code == 404


def test_a_pilot_that_no_longer_runs_takes_no_obstacle(as_, demo):
    pid = running_pilot(as_, demo)
    post(as_("head_a"), f"/api/v1/pilots/{pid}/terminate/", {"reason": "Dừng"})
    response = post(as_("cadre_a"), f"/api/v1/pilots/{pid}/obstacles/", RAISE)
    assert response.status_code == 409 and "detail" in response.json()


def test_an_answer_given_late_is_recorded_as_late(as_, demo, time_machine):
    obstacle = raised(as_, demo)
    due = Obstacle.objects.get().answer_due
    time_machine.move_to(add_working_days(due, 1).isoformat() + "T09:00:00+07:00")
    answered = post(as_("head_a"), f"{API}{obstacle['id']}/answer/", ANSWER)
    assert answered.json()["answered_on_time"] is False


def test_the_obstacle_pages(as_, demo, client):
    pid = running_pilot(as_, demo)
    client.force_login(demo["cadre_a"])
    page = client.get(f"/pilots/{pid}/").content.decode()
    assert 'data-testid="raise-obstacle"' in page
    assert client.post(f"/obstacles/raise/{pid}/", {"kind": "legal", "description": ""}).status_code == 400
    response = client.post(f"/obstacles/raise/{pid}/", RAISE)
    assert response.status_code == 302
    obstacle = Obstacle.objects.get()
    assert response["Location"] == f"/obstacles/{obstacle.pk}/"
    assert client.post(f"/obstacles/{obstacle.pk}/answer/", ANSWER).status_code == 403
    client.force_login(demo["head_b"])
    assert client.get(f"/obstacles/{obstacle.pk}/").status_code == 404
    assert client.get(f"/obstacles/raise/{pid}/").status_code == 404
    client.force_login(demo["head_a"])
    assert client.get(f"/obstacles/raise/{pid}/").status_code == 403
    assert "Obstacles to answer" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode() or (
        "Vướng mắc" in client.get("/").content.decode()
    )
    assert client.post(f"/obstacles/{obstacle.pk}/answer/", {"decision": "x", "note": "y"}).status_code == 400
    started = client.post(f"/obstacles/{obstacle.pk}/answer/", ANSWER | {"decision": "adjustment_started"})
    assert started.status_code == 302 and started["Location"].startswith(f"/pilots/{pid}/?open=adjust")
    adjust = client.get(started["Location"]).content.decode()
    assert f"#{obstacle.pk}" in adjust and 'data-action="adjust"' in adjust
    assert client.post(f"/obstacles/{obstacle.pk}/answer/", ANSWER).status_code == 409
    client.force_login(demo["cadre_a"])
    assert client.post(f"/obstacles/{obstacle.pk}/confirm/", {"cleared": "yes"}).status_code == 302
    assert Obstacle.objects.get().status == "cleared"
    assert client.get(f"/obstacles/{obstacle.pk}/nothing/").status_code == 405
    assert client.post(f"/obstacles/{obstacle.pk}/nothing/").status_code == 404


def test_the_case_page_of_a_failed_pilot_lists_its_obstacles_and_how_each_was_answered(as_, demo, client):
    from accountability.models import Case
    from tests.accountability.test_api import CAUSES

    pid = running_pilot(as_, demo)
    url = f"/api/v1/pilots/{pid}/obstacles/"
    first = post(as_("cadre_a"), url, RAISE).json()
    post(
        as_("head_a"),
        f"{API}{first['id']}/answer/",
        {"decision": "declined", "note": "Không thuộc thẩm quyền."},
    )
    post(
        as_("cadre_a"), url, RAISE | {"kind": "resources", "description": "Thiếu máy chủ."}
    )  # never answered
    post(as_("cadre_a"), f"/api/v1/pilots/{pid}/complete/")
    post(as_("cadre_a"), f"/api/v1/pilots/{pid}/results-report/", {"summary": "Chưa đạt."})
    evaluation = {"outcome": "not_completed", "damage": False, "party_opinion": "Nhất trí.", **CAUSES}
    assert post(as_("head_a"), f"/api/v1/pilots/{pid}/evaluate/", evaluation).status_code == 200
    case = Case.objects.get(pilot_id=pid)
    client.force_login(demo["head_a"])
    page = client.get(f"/cases/{case.pk}/")
    shown = page.content.decode()
    assert 'data-testid="obstacles"' in shown
    assert "Không thuộc thẩm quyền." in shown and "Thiếu máy chủ." in shown
    rows = {o.kind: o for o in page.context["obstacles"]}
    assert rows["legal"].decision == "declined" and rows["legal"].answered_at is not None
    assert rows["resources"].status == "open" and rows["resources"].answered_at is None
