"""The dossier of a proposal (issue "Evidence"): for one that went through return, resubmission,
approval, a pilot with an adjustment, a failed evaluation and a decided case, the PDF holds every
step — titles, names, dates dd/mm/yyyy, amounts in ₫ and the fingerprint; an outsider gets 404.
The verification says "unchanged" for a fresh dossier and names the change after a later step;
with a signing certificate the dossier is signed (PAdES) and a changed byte breaks it."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from accountability.models import Case
from evidence.models import DossierIssue
from portal import audit
from proposals import services
from tests.accountability.test_api import CAUSES, answers
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import as_model_data, make_proposal, plan

API = "/api/v1/proposals/{}/dossier/"
VERIFY = "/api/v1/dossiers/verify/"


def post(client, path: str, body: dict | None = None):
    return client.post(path, body or {}, format="json")


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def lived(as_, demo):
    """cadre_a's proposal: returned, resubmitted with a smaller budget, approved by vote; its pilot
    adjusted, completed, evaluated not completed with damage; the outcome case decided (reduced)."""
    author, head = demo["cadre_a"], demo["head_a"]
    proposal = make_proposal(author, "returned")
    services.proposal_update(
        actor=author, proposal=proposal, data=as_model_data(plan(budget_vnd=380_000_000))
    )
    proposal = services.proposal_submit(actor=author, proposal=proposal)
    services.proposal_record_party_opinion(
        actor=head, proposal=proposal, opinion="Đảng ủy thống nhất.", supports=True
    )
    services.proposal_decide(
        actor=head, proposal=proposal, votes_for=1, votes_against=0, head_vote="for", mode="pilot"
    )
    pid = post(as_("head_a"), "/api/v1/pilots/", pilot_body(proposal.pk)).json()["id"]
    adjusted = post(
        as_("head_a"),
        f"/api/v1/pilots/{pid}/adjust/",
        {"reason": "Bổ sung kinh phí.", "budget_vnd": 450_000_000},
    )
    assert adjusted.status_code == 200, adjusted.json()
    post(as_("cadre_a"), f"/api/v1/pilots/{pid}/complete/")
    post(as_("cadre_a"), f"/api/v1/pilots/{pid}/results-report/", {"summary": "Chưa đạt chỉ tiêu."})
    evaluation = {"outcome": "not_completed", "damage": True, "damage_vnd": 120_000_000,
                  "party_opinion": "Đảng ủy thống nhất.", **CAUSES}  # fmt: skip
    assert post(as_("head_a"), f"/api/v1/pilots/{pid}/evaluate/", evaluation).status_code == 200
    case = Case.objects.get(pilot_id=pid, kind="outcome")
    post(as_("head_a"), f"/api/v1/cases/{case.pk}/determine/", answers(True, True, True))
    relief = {"decision": "reduced", "basis": "Điều 11 Nghị định 73/2023/NĐ-CP."}
    assert post(as_("head_top"), f"/api/v1/cases/{case.pk}/relief/", relief).status_code == 200
    proposal.refresh_from_db()
    return proposal, case


def test_the_dossier_holds_every_step(as_, demo, lived):
    proposal, _case = lived
    response = as_("cadre_a").get(API.format(proposal.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    today = timezone.localdate().strftime("%d/%m/%Y")
    fingerprint, length = audit.fingerprint(proposal.pk)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "HỒ SƠ ĐỀ XUẤT", proposal.title,
        "Lần 1, gửi lúc", "Lần 2, gửi lúc", "Trả lại để bổ sung", "Bổ sung dự toán chi tiết.",
        "380.000.000 ₫", "Đảng ủy thống nhất.", "Biểu quyết của tập thể lãnh đạo",
        "Điều chỉnh: phiên bản 2", "450.000.000 ₫", "Bổ sung kinh phí.", "Báo cáo kết quả",
        "Chưa đạt chỉ tiêu.",
        "Không hoàn thành", "120.000.000 ₫", "Thị trường biến động.", "Giảm nhẹ", "Điều 11",
        demo["cadre_a"].full_name, demo["head_a"].full_name, demo["head_top"].full_name, today, fingerprint,
        f"từ {length} bản ghi",
    ):  # fmt: skip
        assert expected in text, expected
    issue = DossierIssue.objects.get()
    assert (issue.proposal, issue.fingerprint, issue.issued_by) == (proposal, fingerprint, demo["cadre_a"])
    for outsider in ("cadre_b", "head_b"):
        assert as_(outsider).get(API.format(proposal.pk)).status_code == 404
    draft = make_proposal(demo["cadre_a"], "draft")
    assert as_("head_a").get(API.format(draft.pk)).status_code == 404
    assert as_("cadre_a").get(API.format(999999)).status_code == 404


def test_the_page_has_the_button(as_, demo, lived, client):
    proposal, _case = lived
    client.force_login(demo["head_a"])
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="dossier"' in page
    pdf = client.get(f"/evidence/dossier/{proposal.pk}/")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


def test_verification_unchanged_then_changed_then_tampered(as_, demo, lived, client):
    proposal, case = lived
    pdf = as_("cadre_a").get(API.format(proposal.pk)).content
    fingerprint = DossierIssue.objects.get().fingerprint
    fresh = post(as_("cadre_a"), VERIFY, {"fingerprint": fingerprint}).json()
    assert (fresh["status"], fresh["proposal"], fresh["changes"]) == ("unchanged", proposal.pk, [])
    upload = (
        as_("cadre_a").post(VERIFY, {"file": SimpleUploadedFile("hs.pdf", pdf)}, format="multipart").json()
    )
    assert (upload["status"], upload["issued_file"]) == ("unchanged", True)
    # a later step: the subject explains
    assert (
        post(
            as_("cadre_a"), f"/api/v1/cases/{case.pk}/explanation/", {"text": "Tôi làm đúng quy trình."}
        ).status_code
        == 201
    )
    later = post(as_("cadre_a"), VERIFY, {"fingerprint": fingerprint}).json()
    assert later["status"] == "changed" and later["records_now"] > later["records_then"]
    assert {"bản giải trình", "bước chuyển trạng thái hồ sơ"} <= {
        change["record"] for change in later["changes"]
    }
    assert "được thêm" in {change["step"] for change in later["changes"]}
    client.force_login(demo["cadre_a"])
    page = client.post("/evidence/verify/", {"fingerprint": fingerprint})
    assert page.status_code == 200 and 'data-status="changed"' in page.content.decode()
    assert "bản giải trình" in page.content.decode()
    # a file altered after issue is told apart, and checked by the fingerprint printed in it
    altered = pdf + b"\n% altered after issue\n"
    told = (
        as_("cadre_a")
        .post(VERIFY, {"file": SimpleUploadedFile("hs.pdf", altered)}, format="multipart")
        .json()
    )
    assert told["issued_file"] is False and told["fingerprint"] == fingerprint
    # behind the portal's back
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE proposals_proposaltransition SET note = 'x' WHERE proposal_id = %s", [proposal.pk]
        )
    assert post(as_("cadre_a"), VERIFY, {"fingerprint": fingerprint}).json()["status"] == "tampered"


def test_verification_refuses_bad_input_and_hides_other_records(as_, demo, lived):
    proposal, _case = lived
    as_("cadre_a").get(API.format(proposal.pk))
    fingerprint = DossierIssue.objects.get().fingerprint
    assert post(as_("cadre_b"), VERIFY, {"fingerprint": fingerprint}).json() == {
        "status": "unknown", "fingerprint": fingerprint, "issued_file": None, "proposal": None,
    }  # fmt: skip
    for bad in ({}, {"fingerprint": "xyz"}, {"fingerprint": "g" * 64}):
        response = post(as_("cadre_a"), VERIFY, bad)
        assert response.status_code == 400, bad
    assert post(as_("cadre_a"), VERIFY, {"fingerprint": "a" * 64}).json()["status"] == "unknown"
    junk = as_("cadre_a").post(
        VERIFY, {"file": SimpleUploadedFile("x.pdf", b"not a pdf")}, format="multipart"
    )
    assert junk.status_code == 400 and "file" in junk.json()


def test_a_signed_dossier_validates_and_a_changed_byte_breaks_it(as_, demo, lived, settings, tmp_path):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from portal import signing

    proposal, _case = lived
    path = signing.throwaway_certificate(tmp_path / "test.p12", "secret")
    settings.PORTAL_SIGNING_CERT, settings.PORTAL_SIGNING_PASSWORD = str(path), "secret"
    pdf = as_("cadre_a").get(API.format(proposal.pk)).content
    assert DossierIssue.objects.get().signed
    _key, certificate, _more = pkcs12.load_key_and_certificates(path.read_bytes(), b"secret")
    root = asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))

    def status(content: bytes):
        signature = PdfFileReader(io.BytesIO(content)).embedded_signatures[0]
        return validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))

    good = status(pdf)
    assert good.intact and good.valid and good.trusted
    middle = len(pdf) // 3
    changed = pdf[:middle] + bytes([(pdf[middle] + 1) % 256]) + pdf[middle + 1 :]
    assert not status(changed).intact
