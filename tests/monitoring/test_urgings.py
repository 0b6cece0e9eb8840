"""Urging through the API (CONTRACT, Urging) and the pages: Organisation Committee staff covering a
unit, or a head above it, name the unit's overdue items that they can see; the unit's head answers
what will be done and by when; whether each item was then cleared is on the record."""

from __future__ import annotations

import datetime

from monitoring.models import Urging
from portal.models import Notification
from proposals.models import Proposal

API = "/api/v1/urgings/"


def post(client, path: str, body=None):
    return client.post(path, body if body is not None else {}, format="json")


def urge(as_, who: str, items: list, unit: str = "SNV", note: str = "Đề nghị giải quyết ngay."):
    return post(as_(who), API, {"unit": unit, "items": items, "note": note})


def test_orgcom_urges_head_b_about_an_overdue_proposal_and_head_b_answers(as_, demo, late):
    overdue, _on_time = late
    response = urge(as_, "orgcom", [{"kind": "proposal", "id": overdue.pk}])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["unit"], body["status"], body["sent_by"]) == ("SNV", "sent", "orgcom")
    assert body["items"] == [
        {"kind": "proposal", "id": overdue.pk, "title": overdue.title, "cleared_at": None}
    ]
    assert Notification.objects.filter(recipient=demo["head_b"], kind="urging_event").count() == 1
    url = f"{API}{body['id']}/"
    assert as_("head_b").get(url).status_code == 200
    assert as_("head_a").get(url).status_code == 404  # an outsider
    assert as_("cadre_b").get(url).status_code == 404
    assert body["id"] in [u["id"] for u in as_("head_top").get(API).json()["results"]]
    by = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    assert post(as_("orgcom"), f"{url}answer/", {"note": "x", "by": by}).status_code == 403
    assert post(as_("head_a"), f"{url}answer/", {"note": "x", "by": by}).status_code == 404
    assert post(as_("head_b"), f"{url}answer/", {"note": "", "by": by}).status_code == 400
    assert (
        post(as_("head_b"), f"{url}answer/", {"note": "Sẽ quyết định.", "by": "2000-01-01"}).status_code
        == 400
    )
    assert post(as_("head_b"), f"{url}answer/", {"note": "Sẽ quyết định."}).status_code == 400
    answered = post(as_("head_b"), f"{url}answer/", {"note": "Sẽ họp tập thể trong tuần.", "by": by})
    assert answered.status_code == 200, answered.json()
    assert (answered.json()["status"], answered.json()["by"], answered.json()["answered_by"]) == (
        "answered", by, "head_b",
    )  # fmt: skip
    assert post(as_("head_b"), f"{url}answer/", {"note": "Lại", "by": by}).status_code == 409
    assert Notification.objects.filter(recipient=demo["orgcom"], kind="urging_event").count() == 1


def test_only_overdue_items_the_sender_can_see_are_accepted(as_, demo, late):
    overdue, on_time = late
    assert urge(as_, "orgcom", [{"kind": "proposal", "id": on_time.pk}]).status_code == 400  # not late
    assert urge(as_, "orgcom", [{"kind": "proposal", "id": 999_999}]).status_code == 400
    assert urge(as_, "orgcom", [{"kind": "pilot", "id": overdue.pk}]).status_code == 400  # wrong kind
    assert urge(as_, "orgcom", [{"kind": "proposal", "id": overdue.pk}], unit="SKHDT").status_code == 400
    assert urge(as_, "orgcom", []).status_code == 400
    assert urge(as_, "orgcom", [{"kind": "memo", "id": 1}]).status_code == 400
    assert urge(as_, "orgcom", [{"kind": "proposal", "id": overdue.pk}], unit="NOPE").status_code == 400
    assert post(as_("orgcom"), API, ["SNV"]).status_code == 400
    assert not Urging.objects.exists()


def test_who_may_urge(as_, demo, late):
    overdue, _on_time = late
    items = [{"kind": "proposal", "id": overdue.pk}]
    assert urge(as_, "head_b", items).status_code == 403  # the unit's own head
    assert urge(as_, "head_a", items).status_code == 403  # a head beside it
    assert urge(as_, "cadre_b", items).status_code == 403
    assert urge(as_, "inspector", items).status_code == 403
    assert urge(as_, "head_top", items).status_code == 201  # a head above
    assert urge(as_, "orgcom", items).status_code == 201


def test_an_item_cleared_after_the_urging_shows_when(as_, demo, late, client):
    overdue, _on_time = late
    pk = urge(as_, "orgcom", [{"kind": "proposal", "id": overdue.pk}]).json()["id"]
    decision = {
        "decision": "approved",
        "votes_for": 1,
        "votes_against": 0,
        "votes_abstain": 0,
        "head_vote": "for",
        "mode": "pilot",
    }
    post(
        as_("head_b"),
        f"/api/v1/proposals/{overdue.pk}/party-opinion/",
        {"supports": True, "opinion": "Đồng ý."},
    )
    response = post(as_("head_b"), f"/api/v1/proposals/{overdue.pk}/decide/", decision)
    assert response.status_code == 200, response.json()
    assert Proposal.objects.get(pk=overdue.pk).status != "submitted"
    [item] = as_("orgcom").get(f"{API}{pk}/").json()["items"]
    assert item["cleared_at"] is not None
    client.force_login(demo["orgcom"])
    assert "urging-items" in client.get(f"/urgings/{pk}/").content.decode()


def test_the_urging_pages(demo, late, client):
    overdue, _on_time = late
    client.force_login(demo["orgcom"])
    page = client.get("/urgings/unit/SNV/")
    assert page.status_code == 200 and f"proposal:{overdue.pk}" in page.content.decode()
    assert client.post("/urgings/unit/SNV/", {"item": ["proposal:999999"], "note": ""}).status_code == 400
    sent = client.post("/urgings/unit/SNV/", {"item": [f"proposal:{overdue.pk}"], "note": "Khẩn."})
    assert sent.status_code == 302
    urging = Urging.objects.get()
    client.force_login(demo["head_b"])
    assert client.post("/urgings/unit/SNV/", {"item": [f"proposal:{overdue.pk}"]}).status_code == 403
    detail = client.get(f"/urgings/{urging.pk}/").content.decode()
    assert 'data-action="answer"' in detail
    assert (
        client.post(f"/urgings/{urging.pk}/answer/", {"note": "Sẽ làm", "by": "01/01/2000"}).status_code
        == 400
    )
    by = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    assert client.post(f"/urgings/{urging.pk}/answer/", {"note": "Sẽ làm", "by": by}).status_code == 302
    assert client.post(f"/urgings/{urging.pk}/answer/", {"note": "Sẽ làm", "by": by}).status_code == 409
    client.force_login(demo["head_a"])
    assert client.get(f"/urgings/{urging.pk}/").status_code == 404
    assert client.post(f"/urgings/{urging.pk}/answer/", {"note": "x", "by": by}).status_code == 404
