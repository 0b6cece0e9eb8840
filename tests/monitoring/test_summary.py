"""The report summary (CONTRACT, Reports) with known numbers, who may run it, and the periodic
reviews that freeze it."""

from __future__ import annotations

import datetime

from monitoring.models import PeriodicReview
from tests.monitoring.test_urgings import post
from tests.proposals.conftest import make_proposal

API = "/api/v1/reports/summary/"


def test_the_summary_counts_what_the_caller_sees_by_unit(as_, demo):
    for state in ("draft", "submitted", "submitted", "approved", "rejected"):
        make_proposal(demo["cadre_a"], state)
    for state in ("submitted", "approved_by_head"):
        make_proposal(demo["cadre_b"], state)
    today = datetime.date.today().isoformat()
    root = as_("orgcom").get(API, {"unit": "UBND", "from": today, "to": today})
    assert root.status_code == 200, root.json()
    body = root.json()
    assert (body["unit"], body["from"], body["to"]) == ("UBND", today, today)
    by_status = body["proposals"]["by_status"]
    # orgcom sees what was submitted, never another person's draft
    assert by_status == {"draft": 0, "submitted": 3, "returned": 0, "withdrawn": 0, "approved": 1,
                         "collective_rejected": 0, "approved_by_head": 1, "rejected": 1}  # fmt: skip
    assert body["proposals"]["approved_by_vote"] == 1 and body["proposals"]["approved_by_override"] == 1
    assert body["proposals"]["decided_on_time"] == 3 and body["proposals"]["decided_late"] == 0
    children = {c["unit"]: c for c in body["children"]}
    assert (children["SKHDT"]["proposals"], children["SKHDT"]["approved"]) == (4, 1)
    assert (children["SNV"]["proposals"], children["SNV"]["approved"]) == (2, 1)
    for section in ("pilots", "cases", "rewards", "models", "obstacles", "urgings"):
        assert section in body
    assert set(body["cases"]["by_result"]) == {
        "excluded",
        "exempted",
        "reduced",
        "refused",
        "sanctioned",
        "cleared",
    }
    leaf = as_("head_a").get(API, {"unit": "SKHDT", "from": today, "to": today}).json()
    assert leaf["proposals"]["by_status"]["submitted"] == 2 and leaf["children"] == []
    listed = as_("head_a").get("/api/v1/proposals/", {"status": "submitted"}).json()["count"]
    assert listed == leaf["proposals"]["by_status"]["submitted"]
    last_year = as_("orgcom").get(API, {"unit": "UBND", "from": "2020-01-01", "to": "2020-12-31"}).json()
    assert sum(last_year["proposals"]["by_status"].values()) == 0


def test_who_runs_the_summary(as_, demo):
    assert as_("head_a").get(API, {"unit": "UBND"}).status_code == 403  # the unit above
    assert as_("head_a").get(API, {"unit": "SNV"}).status_code == 403  # a unit beside
    assert as_("cadre_a").get(API, {"unit": "SKHDT"}).status_code == 403
    assert as_("inspector").get(API, {"unit": "UBND"}).status_code == 403
    assert as_("orgcom").get(API, {"unit": "NOPE"}).status_code == 400
    assert as_("orgcom").get(API, {"unit": "UBND", "from": "yesterday"}).status_code == 400
    assert (
        as_("orgcom").get(API, {"unit": "UBND", "from": "2026-12-01", "to": "2026-01-01"}).status_code == 400
    )
    assert as_("orgcom").get(API, {"unit": "BTC"}).status_code == 403  # outside orgcom's scope
    assert as_("head_top").get(API, {"unit": "SNV"}).status_code == 200


def test_a_periodic_review_freezes_the_figures_of_its_moment(as_, demo):
    make_proposal(demo["cadre_a"], "submitted")
    body = {"unit": "UBND", "kind": "preliminary", "period_start": "2026-07-01", "period_end": "2026-12-31",
            "findings": "Đúng hạn."}  # fmt: skip
    assert post(as_("cadre_a"), "/api/v1/reviews/", body | {"unit": "SKHDT"}).status_code == 403
    assert post(as_("head_a"), "/api/v1/reviews/", body).status_code == 403
    assert post(as_("orgcom"), "/api/v1/reviews/", body | {"kind": "monthly"}).status_code == 400
    assert post(as_("orgcom"), "/api/v1/reviews/", body | {"period_end": "2026-01-01"}).status_code == 400
    created = post(as_("orgcom"), "/api/v1/reviews/", body)
    assert created.status_code == 201, created.json()
    frozen = created.json()["figures"]
    assert frozen["proposals"]["by_status"]["submitted"] == 1
    make_proposal(demo["cadre_a"], "submitted")
    review = PeriodicReview.objects.get()
    assert review.figures == frozen  # later proposals change nothing
    assert as_("orgcom").get(f"/api/v1/reviews/{review.pk}/").json()["figures"] == frozen
    assert as_("head_a").get("/api/v1/reviews/").json()["count"] == 0  # the province's review is above her


def test_the_reviews_page(demo, client):
    client.force_login(demo["orgcom"])
    form = {"unit": "UBND", "kind": "final", "period_start": "01/01/2026", "period_end": "31/12/2026",
            "findings": "Tổng kết năm."}  # fmt: skip
    assert client.post("/reviews/", form | {"findings": ""}).status_code == 400
    assert client.post("/reviews/", form).status_code == 302
    assert "Tổng kết năm." in client.get("/reviews/").content.decode()
    assert PeriodicReview.objects.get().figures["unit"] == "UBND"
    client.force_login(demo["cadre_a"])
    assert client.post("/reviews/", form).status_code == 403
    assert 'data-action="review"' not in client.get("/reviews/").content.decode()


def test_the_confidential_channel_holds_in_the_counts(as_, demo):
    proposal = make_proposal(demo["cadre_a2"], "submitted")
    report = {"kind": "abuse", "proposal": proposal.pk, "subject": "cadre_a2", "summary": "Nghi vấn."}
    assert post(as_("inspector"), "/api/v1/cases/", report).status_code == 201
    today = datetime.date.today().isoformat()

    def open_cases(who: str, unit: str) -> int:
        body = as_(who).get(API, {"unit": unit, "from": today, "to": today}).json()
        return body["cases"]["by_status"]["open"]

    assert open_cases("head_a", "SKHDT") == 0  # the head of the subject's own unit never learns of it
    assert open_cases("orgcom", "SKHDT") == 1 and open_cases("head_top", "UBND") == 1
