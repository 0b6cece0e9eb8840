"""The model library (CONTRACT, Replication): publish a completed pilot, search it with or without
diacritics, adopt it as another unit's draft, compare results, institutionalise it; the public page."""

from __future__ import annotations

from proposals.models import Proposal
from replication.models import InnovationModel
from tests.recognition.conftest import evaluated_pilot, post

API = "/api/v1/models/"
MODEL = {"summary": "Một cửa liên thông cấp phép đầu tư: nộp một lần, nhận kết quả tại một nơi.",
         "conditions": "Có bộ phận một cửa và phần mềm liên thông."}  # fmt: skip


def published(as_, demo) -> dict:
    pilot = evaluated_pilot(as_, demo)
    Proposal.objects.filter(pk=pilot.proposal_id).update(title="Một cửa liên thông cấp phép đầu tư")
    response = post(as_("head_a"), API, {"pilot": pilot.pk, **MODEL, "field": "procedures"})
    assert response.status_code == 201, response.json()
    return response.json()


def test_publish_search_and_adopt(as_, demo):
    model = published(as_, demo)
    assert (model["unit"], model["title"], model["field"]) == (
        "SKHDT",
        "Một cửa liên thông cấp phép đầu tư",
        "procedures",
    )
    assert [i["name"] for i in model["indicators"]] and all("actual" in i for i in model["indicators"])
    assert post(as_("head_a"), API, {"pilot": model["pilot"], **MODEL}).status_code == 409  # one per pilot
    for query in ("mot cua lien thong", "Một cửa liên thông", "MỘT CỬA"):
        found = as_("cadre_b").get(API, {"q": query}).json()
        assert [m["id"] for m in found["results"]] == [model["id"]], query
    assert as_("cadre_b").get(API, {"q": "không có gì"}).json()["count"] == 0
    assert as_("cadre_b").get(API, {"field": "finance"}).json()["count"] == 0
    assert as_("cadre_b").get(API, {"unit": "SKHDT"}).json()["count"] == 1
    assert as_("cadre_a").post(f"{API}{model['id']}/adopt/").status_code == 409  # own unit
    assert as_("orgcom").post(f"{API}{model['id']}/adopt/").status_code == 403
    adopted = as_("cadre_b").post(f"{API}{model['id']}/adopt/")
    assert adopted.status_code == 201
    proposal = Proposal.objects.get(pk=adopted.json()["proposal"])
    assert (proposal.status, proposal.author.username, proposal.unit.code, proposal.adopted_from) == (
        "draft", "cadre_b", "SNV", model["id"],
    )  # fmt: skip
    assert proposal.title == "Một cửa liên thông cấp phép đầu tư"
    shown = as_("cadre_b").get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert shown["adopted_from"] == model["id"]
    edited = as_("cadre_b").patch(f"/api/v1/proposals/{proposal.pk}/", {"adopted_from": 999}, format="json")
    assert (
        edited.status_code in (200, 400) and Proposal.objects.get(pk=proposal.pk).adopted_from == model["id"]
    )
    again = as_("head_b").get(f"{API}{model['id']}/").json()
    assert again["adoptions"] == [{"proposal": proposal.pk, "unit": "SNV", "status": "draft", "outcome": ""}]
    assert as_("head_b").get(f"{API}999999/").status_code == 404


def test_who_publishes(as_, demo):
    pilot = evaluated_pilot(as_, demo)
    assert post(as_("cadre_a"), API, {"pilot": pilot.pk, **MODEL}).status_code == 403
    assert post(as_("head_b"), API, {"pilot": pilot.pk, **MODEL}).status_code == 404
    assert post(as_("head_a"), API, {"pilot": pilot.pk, "summary": ""}).status_code == 400
    failed = evaluated_pilot(as_, demo, outcome="not_completed")
    assert post(as_("head_a"), API, {"pilot": failed.pk, **MODEL}).status_code == 409
    assert post(as_("orgcom"), API, {"pilot": pilot.pk, **MODEL}).status_code == 201


def test_institutionalisation_moves_proposed_drafting_issued(as_, demo):
    model = published(as_, demo)
    url = f"{API}{model['id']}/institutionalise/"
    body = {"document_kind": "Quyết định của UBND tỉnh", "drafting_agency": "Sở Tư pháp", "note": "Đề xuất."}
    assert post(as_("head_a"), url, body).status_code == 403  # the model's own head
    assert post(as_("cadre_b"), url, body).status_code == 403
    assert post(as_("orgcom"), url, {"document_kind": ""}).status_code == 400
    created = post(as_("head_top"), url, body)
    assert created.status_code == 201 and created.json()["stage"] == "proposed"
    advance = f"/api/v1/institutionalisations/{created.json()['id']}/advance/"
    assert post(as_("head_a"), advance, {"stage": "drafting"}).status_code == 403
    assert (
        post(
            as_("orgcom"), advance, {"stage": "issued", "document_number": "1", "issued_on": "2026-11-30"}
        ).status_code
        == 409
    )
    assert post(as_("orgcom"), advance, {"stage": "published"}).status_code == 400
    assert (
        post(as_("orgcom"), advance, {"stage": "drafting", "note": "Đang soạn."}).json()["stage"]
        == "drafting"
    )
    assert post(as_("orgcom"), advance, {"stage": "issued"}).status_code == 400  # number and date required
    issued = post(as_("orgcom"), advance, {"stage": "issued", "document_number": "27/2026/QĐ-UBND",
                                            "issued_on": "2026-11-30"})  # fmt: skip
    assert issued.status_code == 200 and issued.json()["stage"] == "issued"
    assert post(as_("orgcom"), advance, {"stage": "dropped"}).status_code == 409
    second = post(as_("orgcom"), url, body).json()
    dropped = post(
        as_("orgcom"), f"/api/v1/institutionalisations/{second['id']}/advance/", {"stage": "dropped"}
    )
    assert dropped.json()["stage"] == "dropped"


def test_the_model_pages_and_the_public_page(as_, demo, client, settings):
    model = published(as_, demo)
    client.force_login(demo["cadre_b"])
    assert model["title"] in client.get("/models/?q=mot+cua").content.decode()
    page = client.get(f"/models/{model['id']}/").content.decode()
    assert 'data-testid="comparison"' in page and 'data-action="adopt"' in page
    response = client.post(f"/models/{model['id']}/adopt/")
    assert response.status_code == 302 and "/edit/" in response["Location"]
    client.logout()
    settings.PORTAL_PUBLIC_PAGE = True
    public = client.get("/public/")
    shown = public.content.decode()
    assert public.status_code == 200 and model["title"] in shown
    for secret in ("cadre_a", demo["cadre_a"].full_name, demo["head_a"].full_name, "/cases/", "draft"):
        assert secret not in shown, secret
    settings.PORTAL_PUBLIC_PAGE = False
    assert client.get("/public/").status_code == 404
    assert InnovationModel.objects.count() == 1


def test_the_adopted_proposal_page_links_its_model(as_, demo, client):
    model = published(as_, demo)
    proposal_id = as_("cadre_b").post(f"{API}{model['id']}/adopt/").json()["proposal"]
    client.force_login(demo["cadre_b"])
    page = client.get(f"/proposals/{proposal_id}/").content.decode()
    assert 'data-testid="adopted-from"' in page and f'href="/models/{model["id"]}/"' in page


def test_documents_of_a_model_and_of_a_review(as_, demo, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    from tests.files import PDF as pdf

    model = published(as_, demo)
    url = f"{API}{model['id']}/attachments/"
    upload = lambda name: {"file": SimpleUploadedFile(name, pdf), "description": "Quy trình"}  # noqa: E731
    assert as_("cadre_b").post(url, upload("a.pdf"), format="multipart").status_code == 403
    bad = as_("head_a").post(url, {"file": SimpleUploadedFile("a.pdf", b"nope")}, format="multipart")
    assert bad.status_code == 400
    created = as_("head_a").post(url, upload("quy-trinh.pdf"), format="multipart")
    assert created.status_code == 201, created.json()
    assert [f["original_name"] for f in as_("cadre_b").get(url).json()] == ["quy-trinh.pdf"]
    client.force_login(demo["cadre_b"])  # every signed-in user reads a published model's documents
    download = client.get(created.json()["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    assert "quy-trinh.pdf" in client.get(f"/models/{model['id']}/").content.decode()

    body = {"unit": "UBND", "kind": "final", "period_start": "2026-01-01", "period_end": "2026-12-31",
            "findings": "Tổng kết."}  # fmt: skip
    review = post(as_("orgcom"), "/api/v1/reviews/", body).json()
    rurl = f"/api/v1/reviews/{review['id']}/attachments/"
    assert as_("head_a").post(rurl, upload("b.pdf"), format="multipart").status_code == 404  # not hers to see
    assert as_("orgcom").post(rurl, upload("bao-cao.pdf"), format="multipart").status_code == 201
    client.force_login(demo["orgcom"])
    assert "bao-cao.pdf" in client.get("/reviews/").content.decode()
    page_upload = client.post(
        f"/reviews/{review['id']}/attach/", {"file": SimpleUploadedFile("phu-luc.pdf", pdf)}
    )
    assert page_upload.status_code == 302 and len(as_("orgcom").get(rurl).json()) == 2
