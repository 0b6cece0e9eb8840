"""Every verb of the contract's accountability table, for outcome and for abuse cases, through the
API and through the case page's forms: the happy path, the wrong person (403), an outsider (404),
the wrong state (409) and a bad body (400). A refusal leaves the case as it was.

`explanation/` is allowed "in any state", so it has no 409 row."""

from __future__ import annotations

import pytest

from accountability.models import Case, CaseExplanation, CaseReview
from tests.accountability.test_api import API, answers, outcome_case, post
from tests.proposals.conftest import make_proposal

GOOD_FAITH = answers(True, True, True)
REVIEW = {"findings": "Đúng quy trình.", "recommendation": "protect"}
RELIEF = {"decision": "exempted", "basis": "Điều 11 Nghị định 73/2023/NĐ-CP."}
REFERRAL = {"outcome": "cleared", "note": "Không vi phạm."}
EXPLANATION = {"text": "Tôi xin giải trình."}
SUBSTANTIATED = {"substantiated": True, "findings": "Có căn cứ."}


def outcome_in(state: str):
    def build(as_, demo) -> Case:
        case = outcome_case(as_, demo, damage=True)
        url = f"{API}{case.pk}/"
        if state in ("relief_recommended", "decided"):
            assert post(as_("head_a"), f"{url}determine/", GOOD_FAITH).status_code == 200
        if state == "referred":
            assert post(as_("head_a"), f"{url}determine/", answers(True, False, True)).status_code == 200
        if state == "decided":
            assert post(as_("head_top"), f"{url}relief/", RELIEF).status_code == 200
        case.refresh_from_db()
        assert case.status == state
        return case

    return build


def abuse_in(state: str):
    """An abuse case reported by `inspector` about cadre_a2 (kept from head_a, cadre_a2's head)."""

    def build(as_, demo) -> Case:
        proposal = make_proposal(demo["cadre_a2"], "submitted")
        body = {"kind": "abuse", "proposal": proposal.pk, "subject": "cadre_a2", "summary": "Nghi vấn."}
        pk = post(as_("inspector"), API, body).json()["id"]
        if state != "open":
            assert post(as_("inspector"), f"{API}{pk}/review/", REVIEW).status_code == 200
        if state in ("referred", "dismissed"):
            determination = SUBSTANTIATED | {"substantiated": state == "referred"}
            assert post(as_("head_top"), f"{API}{pk}/determine/", determination).status_code == 200
        return Case.objects.get(pk=pk)

    return build


# (case, verb, who, body, expected API status)
ROWS = [
    # --- outcome cases ---
    (outcome_in("open"), "review", "inspector", REVIEW, 200),
    (outcome_in("open"), "review", "head_a", REVIEW, 403),
    (outcome_in("open"), "review", "head_b", REVIEW, 404),
    (outcome_in("decided"), "review", "inspector", REVIEW, 409),
    (outcome_in("open"), "review", "inspector", REVIEW | {"recommendation": "maybe"}, 400),
    (outcome_in("open"), "determine", "head_a", GOOD_FAITH, 200),
    (outcome_in("open"), "determine", "cadre_a", GOOD_FAITH, 403),
    (outcome_in("open"), "determine", "head_b", GOOD_FAITH, 404),
    (outcome_in("relief_recommended"), "determine", "head_a", GOOD_FAITH, 409),
    (outcome_in("open"), "determine", "head_a", {"acted_per_policy": True}, 400),
    (outcome_in("relief_recommended"), "relief", "head_top", RELIEF, 200),
    (outcome_in("relief_recommended"), "relief", "head_a", RELIEF, 403),
    (outcome_in("relief_recommended"), "relief", "head_b", RELIEF, 404),
    (outcome_in("open"), "relief", "head_top", RELIEF, 409),
    (outcome_in("relief_recommended"), "relief", "head_top", RELIEF | {"decision": "forgiven"}, 400),
    (outcome_in("referred"), "referral-outcome", "head_top", REFERRAL, 200),
    (outcome_in("referred"), "referral-outcome", "head_a", REFERRAL, 403),
    (outcome_in("referred"), "referral-outcome", "head_b", REFERRAL, 404),
    (outcome_in("relief_recommended"), "referral-outcome", "head_top", REFERRAL, 409),
    (outcome_in("referred"), "referral-outcome", "head_top", {"outcome": "maybe"}, 400),
    (outcome_in("decided"), "explanation", "cadre_a", EXPLANATION, 201),
    (outcome_in("open"), "explanation", "head_a", EXPLANATION, 403),
    (outcome_in("open"), "explanation", "head_b", EXPLANATION, 404),
    (outcome_in("open"), "explanation", "cadre_a", {"text": "   "}, 400),
    # --- abuse cases (the confidential channel) ---
    (abuse_in("open"), "review", "inspector", REVIEW, 200),
    (abuse_in("open"), "review", "head_top", REVIEW, 403),
    (abuse_in("open"), "review", "head_a", REVIEW, 404),
    (abuse_in("dismissed"), "review", "inspector", REVIEW, 409),
    (abuse_in("open"), "review", "inspector", {"findings": ""} | {"recommendation": "protect"}, 400),
    (abuse_in("reviewed"), "determine", "head_top", SUBSTANTIATED, 200),
    (abuse_in("reviewed"), "determine", "inspector", SUBSTANTIATED, 403),
    (abuse_in("reviewed"), "determine", "head_a", SUBSTANTIATED, 404),
    (abuse_in("open"), "determine", "head_top", SUBSTANTIATED, 409),  # no inspector's review yet
    (abuse_in("reviewed"), "determine", "head_top", {"findings": "Có căn cứ."}, 400),
    (abuse_in("referred"), "referral-outcome", "head_top", REFERRAL, 200),
    (abuse_in("referred"), "referral-outcome", "inspector", REFERRAL, 403),
    (abuse_in("referred"), "referral-outcome", "head_a", REFERRAL, 404),
    (abuse_in("reviewed"), "referral-outcome", "head_top", REFERRAL, 409),
    (abuse_in("referred"), "referral-outcome", "head_top", {"outcome": ""}, 400),
    (abuse_in("dismissed"), "explanation", "cadre_a2", EXPLANATION, 201),
    (abuse_in("open"), "explanation", "inspector", EXPLANATION, 403),
    (abuse_in("open"), "explanation", "head_a", EXPLANATION, 404),
    (abuse_in("open"), "explanation", "cadre_a2", {}, 400),
]
IDS = [f"{build.__qualname__.split('.')[0]}-{verb}-{who}-{code}" for build, verb, who, _b, code in ROWS]


@pytest.fixture
def as_(demo, api):
    return lambda username: api(demo[username])


def footprint(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.status, case.result, case.transitions.count(), case.history.count(),
        CaseReview.objects.filter(case=case).count(), CaseExplanation.objects.filter(case=case).count(),
    )  # fmt: skip


def form_of(body: dict) -> dict:
    return {key: {True: "yes", False: "no"}.get(value, value) for key, value in body.items()}


@pytest.mark.parametrize(("build", "verb", "who", "body", "code"), ROWS, ids=IDS)
def test_through_the_api(as_, demo, build, verb, who, body, code):
    case = build(as_, demo)
    before = footprint(case)
    response = post(as_(who), f"{API}{case.pk}/{verb}/", body)
    assert response.status_code == code, response.content
    if code >= 400:
        assert footprint(case) == before
        assert "detail" in response.json() or code == 400
    else:
        assert response.json()["id"] == case.pk and footprint(case) != before


@pytest.mark.parametrize(("build", "verb", "who", "body", "code"), ROWS, ids=IDS)
def test_through_the_case_page(as_, demo, client, build, verb, who, body, code):
    case = build(as_, demo)
    before = footprint(case)
    client.force_login(demo[who])
    response = client.post(f"/cases/{case.pk}/{verb}/", form_of(body))
    assert response.status_code == (302 if code < 300 else code)
    if code >= 400:
        assert footprint(case) == before
    else:
        assert response["Location"] == f"/cases/{case.pk}/" and footprint(case) != before


@pytest.mark.parametrize("verb", ["review", "determine", "relief", "referral-outcome", "explanation"])
def test_every_verb_answers_only_post(as_, demo, client, verb):
    case = outcome_in("open")(as_, demo)
    for method in ("get", "put", "patch", "delete"):
        assert getattr(as_("head_a"), method)(f"{API}{case.pk}/{verb}/").status_code == 405
    client.force_login(demo["head_a"])
    assert client.get(f"/cases/{case.pk}/{verb}/").status_code == 405
