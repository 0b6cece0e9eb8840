"""One effect per intent (issue "Trust", concurrency storms): on `main` 50 simultaneous "adopt"
requests made 50 drafts, 50 "institutionalise" requests 50 proposals for the same document, and
50 reports of the same abuse 50 confidential cases.
Now a person has one open draft adopted from a model at a time, and a document by an agency is
not proposed again for a model while an earlier proposal of it is open, and an open case of a
kind about a person and a proposal is not opened twice — 409 otherwise."""

from __future__ import annotations

from tests.recognition.conftest import post
from tests.replication.test_models import API, published


def test_a_model_is_adopted_once_while_the_draft_is_open(as_, demo):
    model = published(as_, demo)
    first = as_("cadre_b").post(f"{API}{model['id']}/adopt/")
    assert first.status_code == 201
    again = as_("cadre_b").post(f"{API}{model['id']}/adopt/")
    assert again.status_code == 409 and str(first.json()["proposal"]) in again.json()["detail"]
    assert as_("head_b").post(f"{API}{model['id']}/adopt/").status_code == 201  # another person
    withdrawn = as_("cadre_b").post(
        f"/api/v1/proposals/{first.json()['proposal']}/withdraw/", {}, format="json"
    )
    assert withdrawn.status_code == 200
    assert as_("cadre_b").post(f"{API}{model['id']}/adopt/").status_code == 201  # the earlier is closed


def test_the_same_document_is_not_proposed_twice_at_once(as_, demo):
    model = published(as_, demo)
    url = f"{API}{model['id']}/institutionalise/"
    body = {"document_kind": "Quyết định của UBND tỉnh", "drafting_agency": "Sở Tư pháp"}
    first = post(as_("head_top"), url, body)
    assert first.status_code == 201
    assert post(as_("orgcom"), url, body).status_code == 409
    assert post(as_("head_top"), url, body | {"drafting_agency": "Sở Nội vụ"}).status_code == 201
    advance = f"/api/v1/institutionalisations/{first.json()['id']}/advance/"
    assert post(as_("head_top"), advance, {"stage": "dropped", "note": "Không cần thiết."}).status_code == 200
    assert post(as_("head_top"), url, body).status_code == 201


def test_the_same_case_is_not_reported_twice_while_open(as_, demo):
    from tests.proposals.conftest import make_proposal

    proposal = make_proposal(demo["cadre_a"], "submitted")
    body = {"kind": "abuse", "proposal": proposal.pk, "subject": "cadre_a", "summary": "Nghi vấn lạm dụng."}
    assert as_("inspector").post("/api/v1/cases/", body, format="json").status_code == 201
    again = as_("head_top").post("/api/v1/cases/", body, format="json")
    assert again.status_code == 409 and "detail" in again.json()
    other = body | {"kind": "obstruction"}
    assert as_("inspector").post("/api/v1/cases/", other, format="json").status_code == 201
