"""The case pages: the list and its filters, the case with its record and the forms for whoever may
act, the confidential channel in the browser."""

from __future__ import annotations

import pytest

from accountability.models import Case
from tests.accountability.test_api import outcome_case, post
from tests.proposals.conftest import make_proposal


@pytest.fixture
def as_(demo, api):
    return lambda username: api(demo[username])


def page(client, user, url: str):
    client.force_login(user)
    return client.get(url)


def test_the_head_determines_and_the_head_above_decides_relief_through_the_forms(client, demo, as_):
    case = outcome_case(as_, demo, damage=True)
    url = f"/cases/{case.pk}/"
    shown = page(client, demo["head_a"], url).content.decode()
    assert 'data-action="determine"' in shown and 'data-testid="evidence"' in shown
    assert "Đảng ủy thống nhất." in shown  # the evaluation's Party opinion is on the record
    form = {
        "acted_per_policy": "yes",
        "pure_motive": "yes",
        "common_good": "yes",
        "objective_causes": "Khách quan.",
    }
    assert client.post(f"{url}determine/", form).status_code == 302
    case.refresh_from_db()
    assert case.status == "relief_recommended"
    assert client.post(f"{url}relief/", {"decision": "reduced", "basis": "Điều 11."}).status_code == 403
    client.force_login(demo["head_top"])
    assert client.post(f"{url}relief/", {"decision": "reduced", "basis": ""}).status_code == 400
    assert client.post(f"{url}relief/", {"decision": "reduced", "basis": "Điều 11."}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.result) == ("decided", "reduced")
    assert client.post(f"{url}relief/", {"decision": "reduced", "basis": "Điều 11."}).status_code == 409
    assert client.get(f"{url}relief/").status_code == 405


def test_the_subject_explains_in_the_browser_and_finds_the_case_among_their_cases(client, demo, as_):
    case = outcome_case(as_, demo)
    assert case.pk in [c.pk for c in page(client, demo["cadre_a"], "/cases/mine/").context["page"]]
    assert client.post(f"/cases/{case.pk}/explanation/", {"text": "Tôi giải trình."}).status_code == 302
    assert "Tôi giải trình." in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.post(f"/cases/{case.pk}/determine/", {"acted_per_policy": "yes"}).status_code == 403
    assert "Hồ sơ trách nhiệm" in client.get("/").content.decode()  # the home page's section


def test_the_confidential_channel_in_the_browser(client, demo, as_):
    proposal = make_proposal(demo["cadre_a2"], "submitted")
    client.force_login(demo["inspector"])
    form = {"kind": "abuse", "proposal": proposal.pk, "subject": "cadre_a2", "summary": "Nghi vấn vụ lợi."}
    assert client.post("/cases/new/", form | {"proposal": 999999}).status_code == 400
    response = client.post("/cases/new/", form)
    assert response.status_code == 302
    case = Case.objects.get(kind="abuse")
    assert page(client, demo["head_a"], f"/cases/{case.pk}/").status_code == 404
    assert page(client, demo["cadre_b"], f"/cases/{case.pk}/").status_code == 404
    seen = page(client, demo["cadre_a2"], f"/cases/{case.pk}/").content.decode()
    assert demo["inspector"].full_name not in seen and 'data-testid="opened-by"' not in seen
    above = page(client, demo["head_top"], f"/cases/{case.pk}/").content.decode()
    assert demo["inspector"].full_name in above
    assert page(client, demo["cadre_a"], "/cases/new/").status_code == 403


def test_the_list_filters_by_kind_status_and_overdue(client, demo, as_):
    case = outcome_case(as_, demo)
    client.force_login(demo["head_a"])
    listed = lambda query: [c.pk for c in client.get(f"/cases/{query}").context["page"]]  # noqa: E731
    assert listed("") == [case.pk]
    assert listed("?kind=outcome&status=open") == [case.pk]
    assert listed("?kind=abuse") == []
    assert listed("?overdue=1") == []
    assert listed("?status=nonsense&kind=<script>") == [case.pk]
    post(as_("head_a"), f"/api/v1/cases/{case.pk}/determine/", {"acted_per_policy": True, "pure_motive": True,
         "common_good": True, "objective_causes": "x"})  # fmt: skip
    assert listed("?status=liability_excluded") == [case.pk]
