"""Rewards (CONTRACT, Recognition) and the cadre's innovation record, through the API and the pages."""

from __future__ import annotations

import io

import pypdf

from recognition.models import Reward
from tests.recognition.conftest import evaluated_pilot, post

API = "/api/v1/rewards/"


def reward(pilot, cadre="cadre_a", kind="commendation", **extra) -> dict:
    return {"pilot": pilot.pk, "cadre": cadre, "kind": kind, "decision_ref": "125/QĐ-SKHDT",
            "decided_on": "2026-11-30", **extra}  # fmt: skip


def test_the_head_of_the_approving_unit_rewards_the_author_or_an_implementer(as_, demo, completed):
    response = post(as_("head_a"), API, reward(completed))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["cadre"], body["kind"], body["pilot"], body["recorded_by"]) == (
        "cadre_a", "commendation", completed.pk, "head_a",
    )  # fmt: skip
    assert post(as_("head_a"), API, reward(completed, cadre="cadre_a2", kind="award")).status_code == 201
    assert post(as_("head_a"), API, reward(completed)).status_code == 409  # one of a kind per cadre and pilot
    assert (
        post(as_("head_a"), API, reward(completed, cadre="cadre_b")).status_code == 400
    )  # not of this pilot
    assert post(as_("head_a"), API, reward(completed, kind="medal")).status_code == 400
    assert post(as_("head_a"), API, reward(completed, decided_on="2099-01-01")).status_code == 400
    assert post(as_("cadre_a"), API, reward(completed)).status_code == 403
    assert post(as_("head_top"), API, reward(completed)).status_code == 403
    assert post(as_("head_b"), API, reward(completed)).status_code == 404
    assert Reward.objects.count() == 2
    assert {r["kind"] for r in as_("cadre_a2").get(API).json()["results"]} == {"commendation", "award"}
    assert as_("cadre_b").get(API).json()["count"] == 0


def test_no_reward_unless_evaluated_completed(as_, demo):
    failed = evaluated_pilot(as_, demo, outcome="not_completed")
    assert post(as_("head_a"), API, reward(failed)).status_code == 409
    partly = evaluated_pilot(as_, demo, outcome="partially_completed")
    assert post(as_("head_a"), API, reward(partly)).status_code == 409


def test_the_innovation_record_and_who_reads_it(as_, demo, completed, client):
    post(as_("head_a"), API, reward(completed, kind="priority_appointment"))
    url = "/api/v1/people/cadre_a/record/"
    record = as_("cadre_a").get(url).json()
    assert (record["username"], record["full_name"], record["unit"]) == (
        "cadre_a",
        demo["cadre_a"].full_name,
        "SKHDT",
    )
    [row] = [r for r in record["proposals"] if r["id"] == completed.proposal_id]
    assert (row["status"], row["outcome"], row["case_result"]) == ("approved", "completed", "")
    assert [r["kind"] for r in record["rewards"]] == ["priority_appointment"]
    for reader in ("head_a", "head_top", "orgcom"):
        assert as_(reader).get(url).status_code == 200, reader
    for outsider in ("cadre_a2", "head_b", "cadre_b", "inspector"):
        assert as_(outsider).get(url).status_code == 404, outsider
    assert as_("head_a").get("/api/v1/people/nobody/record/").status_code == 404
    client.force_login(demo["head_a"])
    page = client.get("/people/cadre_a/").content.decode()
    assert completed.proposal.title in page and 'data-testid="record-pdf"' in page
    pdf = client.get("/people/cadre_a/record.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.split())
    name = demo["cadre_a"].full_name
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        name,
        "Ưu tiên",
        "SỞ KẾ HOẠCH",
    ):
        assert expected in text, expected
    client.force_login(demo["cadre_b"])
    assert client.get("/people/cadre_a/record.pdf").status_code == 404


def test_the_reward_form(as_, demo, completed, client):
    client.force_login(demo["cadre_a"])
    assert client.get(f"/rewards/new/{completed.pk}/").status_code == 403
    client.force_login(demo["head_a"])
    page = client.get(f"/pilots/{completed.pk}/").content.decode()
    assert 'data-testid="reward-new"' in page
    form = {"cadre": "cadre_a", "kind": "award", "decision_ref": "", "decided_on": "30/11/2026"}
    assert client.post(f"/rewards/new/{completed.pk}/", form).status_code == 400
    form["decision_ref"] = "200/QĐ-SKHDT"
    response = client.post(f"/rewards/new/{completed.pk}/", form)
    assert response.status_code == 302 and response["Location"] == "/people/cadre_a/"
    assert client.post(f"/rewards/new/{completed.pk}/", form).status_code == 400  # already recorded
    assert Reward.objects.count() == 1
