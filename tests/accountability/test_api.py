"""Accountability cases through the API (CONTRACT, Accountability): the outcome case and its
decision table (DOMAIN §3), relief and referral, the subject's explanations, and the confidential
channel for abuse and obstruction."""

from __future__ import annotations

import itertools

import pytest

from accountability.models import Case
from portal.models import Notification
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal

API = "/api/v1/cases/"
CAUSES = {"objective_causes": "Thị trường biến động.", "subjective_causes": "Khảo sát chưa kỹ."}


@pytest.fixture
def as_(demo, api):
    return lambda username: api(demo[username])


def post(client, path: str, body: dict | None = None):
    return client.post(path, body or {}, format="json")


def outcome_case(as_, demo, *, damage: bool = False) -> Case:
    """cadre_a's pilot, approved by head_a, evaluated not completed: its outcome case."""
    proposal = make_proposal(demo["cadre_a"], "approved")
    pid = post(as_("head_a"), "/api/v1/pilots/", pilot_body(proposal.pk)).json()["id"]
    post(as_("cadre_a"), f"/api/v1/pilots/{pid}/complete/")
    post(as_("cadre_a"), f"/api/v1/pilots/{pid}/results-report/", {"summary": "Chưa đạt."})
    evaluation = {
        "outcome": "not_completed", "damage": damage, "damage_vnd": 120_000_000 if damage else None,
        "party_opinion": "Đảng ủy thống nhất.", **CAUSES,
    }  # fmt: skip
    assert post(as_("head_a"), f"/api/v1/pilots/{pid}/evaluate/", evaluation).status_code == 200
    return Case.objects.get(pilot_id=pid, kind="outcome")


def answers(per_policy: bool, pure: bool, common: bool) -> dict:
    return {**CAUSES, "acted_per_policy": per_policy, "pure_motive": pure, "common_good": common}


@pytest.mark.parametrize(
    ("per_policy", "pure", "common", "damage"), list(itertools.product([True, False], repeat=4))
)
def test_the_determination_follows_the_decision_table_of_article_11(
    as_, demo, per_policy, pure, common, damage
):
    case = outcome_case(as_, demo, damage=damage)
    response = post(as_("head_a"), f"{API}{case.pk}/determine/", answers(per_policy, pure, common))
    assert response.status_code == 200, response.content
    if not (per_policy and pure and common):
        expected = "referred"
    else:
        expected = "relief_recommended" if damage else "liability_excluded"
    body = response.json()
    assert body["status"] == expected
    assert body["damage"] is damage
    assert body["damage_vnd"] == (120_000_000 if damage else None)
    assert body["result"] == ""


def test_relief_is_decided_by_the_head_above_the_approving_unit(as_, demo):
    case = outcome_case(as_, demo, damage=True)
    post(as_("head_a"), f"{API}{case.pk}/determine/", answers(True, True, True))
    relief = {"decision": "reduced", "basis": "Điều 11 Nghị định 73/2023/NĐ-CP."}
    assert post(as_("head_a"), f"{API}{case.pk}/relief/", relief).status_code == 403
    decided = post(as_("head_top"), f"{API}{case.pk}/relief/", relief)
    assert decided.status_code == 200, decided.content
    assert (decided.json()["status"], decided.json()["result"]) == ("decided", "reduced")
    assert post(as_("head_top"), f"{API}{case.pk}/relief/", relief).status_code == 409
    rows = as_("cadre_a").get(f"{API}{case.pk}/history/").json()
    assert [(r["from_status"], r["to_status"], r["actor"]) for r in rows] == [
        ("open", "relief_recommended", "head_a"),
        ("relief_recommended", "decided", "head_top"),
    ]


def test_a_referred_outcome_case_gets_its_outcome_from_the_head_above(as_, demo):
    case = outcome_case(as_, demo)
    post(as_("head_a"), f"{API}{case.pk}/determine/", answers(True, False, True))
    assert (
        post(as_("head_top"), f"{API}{case.pk}/relief/", {"decision": "excluded", "basis": "x"}).status_code
        == 409
    )
    body = {"outcome": "cleared", "note": "Không có vi phạm."}
    assert post(as_("head_a"), f"{API}{case.pk}/referral-outcome/", body).status_code == 403
    done = post(as_("head_top"), f"{API}{case.pk}/referral-outcome/", body)
    assert done.status_code == 200 and done.json()["result"] == "cleared"


def test_the_error_rules_of_each_action_on_an_outcome_case(as_, demo):
    case = outcome_case(as_, demo)
    url = f"{API}{case.pk}/"
    assert as_("head_b").get(url).status_code == 404  # outsider
    assert post(as_("head_b"), f"{url}determine/", answers(True, True, True)).status_code == 404
    assert (
        post(as_("cadre_a"), f"{url}determine/", answers(True, True, True)).status_code == 403
    )  # the subject
    assert post(as_("head_top"), f"{url}determine/", answers(True, True, True)).status_code == 403
    assert post(as_("head_a"), f"{url}determine/", {"acted_per_policy": True}).status_code == 400
    assert post(as_("head_a"), f"{url}determine/", answers(True, True, True) | {"objective_causes": "",
                "subjective_causes": ""}).status_code == 400  # fmt: skip
    assert post(as_("head_a"), f"{url}relief/", {"decision": "excluded", "basis": "x"}).status_code == 403
    assert post(as_("head_top"), f"{url}relief/", {"decision": "excluded", "basis": "x"}).status_code == 409
    assert (
        post(as_("orgcom"), f"{url}review/", {"findings": "x", "recommendation": "protect"}).status_code
        == 403
    )
    assert (
        post(as_("inspector"), f"{url}review/", {"findings": "x", "recommendation": "maybe"}).status_code
        == 400
    )
    reviewed = post(
        as_("inspector"), f"{url}review/", {"findings": "Đúng quy trình.", "recommendation": "protect"}
    )
    assert reviewed.status_code == 200
    assert reviewed.json()["reviews"][0]["recommendation"] == "protect"
    assert as_("head_a").delete(url).status_code == 405
    case.refresh_from_db()
    assert case.status == "open"


def test_the_subject_sees_the_case_and_adds_explanations_at_any_stage(as_, demo):
    case = outcome_case(as_, demo)
    subject = as_("cadre_a")
    assert subject.get(f"{API}{case.pk}/").status_code == 200
    assert case.pk in [c["id"] for c in subject.get(API).json()["results"]]
    explained = post(subject, f"{API}{case.pk}/explanation/", {"text": "Tôi đã làm đúng quy trình."})
    assert explained.status_code == 201
    assert explained.json()["explanations"][0]["text"] == "Tôi đã làm đúng quy trình."
    assert post(as_("head_a"), f"{API}{case.pk}/explanation/", {"text": "x"}).status_code == 403
    assert post(subject, f"{API}{case.pk}/explanation/", {"text": "  "}).status_code == 400
    post(as_("head_a"), f"{API}{case.pk}/determine/", answers(True, True, True))
    assert post(subject, f"{API}{case.pk}/explanation/", {"text": "Bổ sung."}).status_code == 201
    assert len(subject.get(f"{API}{case.pk}/").json()["explanations"]) == 2


def test_an_outcome_case_is_never_posted_and_a_report_needs_a_person_and_a_proposal(as_, demo):
    proposal = make_proposal(demo["cadre_a2"], "submitted")
    body = {"kind": "outcome", "proposal": proposal.pk, "subject": "cadre_a2", "summary": "x"}
    assert post(as_("inspector"), API, body).status_code == 400
    assert post(as_("inspector"), API, body | {"kind": "abuse", "subject": "nobody"}).status_code == 400
    assert post(as_("inspector"), API, body | {"kind": "abuse", "proposal": 999999}).status_code == 400
    assert post(as_("inspector"), API, body | {"kind": "abuse", "summary": ""}).status_code == 400
    assert post(as_("cadre_a"), API, body | {"kind": "abuse"}).status_code == 403


# --- The confidential channel ---------------------------------------------------------------------


def test_an_abuse_report_is_kept_from_the_subjects_own_head_and_the_reporter_from_the_subject(as_, demo):
    proposal = make_proposal(demo["cadre_a2"], "submitted")
    body = {"kind": "abuse", "proposal": proposal.pk, "subject": "cadre_a2", "summary": "Nghi vấn vụ lợi."}
    opened = post(as_("inspector"), API, body)
    assert opened.status_code == 201, opened.content
    pk = opened.json()["id"]
    assert opened.json()["status"] == "open" and opened.json()["opened_by"] == "inspector"

    assert as_("head_a").get(f"{API}{pk}/").status_code == 404  # the subject's own head
    assert pk not in [c["id"] for c in as_("head_a").get(API).json()["results"]]
    assert as_("deputy_a").get(f"{API}{pk}/").status_code == 404
    assert as_("cadre_b").get(f"{API}{pk}/").status_code == 404
    assert as_("head_top").get(f"{API}{pk}/").json()["opened_by"] == "inspector"
    assert as_("orgcom").get(f"{API}{pk}/").status_code == 200
    seen_by_subject = as_("cadre_a2").get(f"{API}{pk}/").json()
    assert "opened_by" not in seen_by_subject
    listed = next(c for c in as_("cadre_a2").get(API).json()["results"] if c["id"] == pk)
    assert "opened_by" not in listed

    determination = {"substantiated": True, "findings": "Có căn cứ."}
    assert post(as_("head_top"), f"{API}{pk}/determine/", determination).status_code == 409  # no review yet
    assert (
        post(
            as_("inspector"), f"{API}{pk}/review/", {"findings": "Có dấu hiệu.", "recommendation": "refer"}
        ).status_code
        == 200
    )
    assert post(as_("head_a"), f"{API}{pk}/determine/", determination).status_code == 404
    assert post(as_("inspector"), f"{API}{pk}/determine/", determination).status_code == 403
    determined = post(as_("head_top"), f"{API}{pk}/determine/", determination)
    assert determined.status_code == 200 and determined.json()["status"] == "referred"
    done = post(
        as_("head_top"), f"{API}{pk}/referral-outcome/", {"outcome": "sanctioned", "note": "Kỷ luật."}
    )
    assert done.status_code == 200 and done.json()["result"] == "sanctioned"

    reporter = demo["inspector"].full_name
    for notification in Notification.objects.filter(recipient=demo["cadre_a2"]):
        for text in (notification.subject, notification.body, *[str(v) for v in notification.texts.values()]):
            assert reporter not in text  # ("inspector" is also an English word in these texts)


def test_an_unsubstantiated_obstruction_report_is_dismissed(as_, demo):
    proposal = make_proposal(demo["cadre_a"], "submitted")
    body = {
        "kind": "obstruction",
        "proposal": proposal.pk,
        "subject": "head_a",
        "summary": "Không tiếp nhận đề xuất.",
    }
    pk = post(as_("inspector"), API, body).json()["id"]
    assert as_("head_a").get(f"{API}{pk}/").status_code == 200  # the subject sees the case about them
    post(as_("inspector"), f"{API}{pk}/review/", {"findings": "Chưa đủ căn cứ.", "recommendation": "protect"})
    dismissed = post(
        as_("head_top"), f"{API}{pk}/determine/", {"substantiated": False, "findings": "Không có căn cứ."}
    )
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    assert post(as_("head_top"), f"{API}{pk}/referral-outcome/", {"outcome": "cleared"}).status_code == 409
