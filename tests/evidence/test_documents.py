"""The official documents of a proposal's record in the Decree 30/2020 format (issue "Evidence"):
the decision, the minutes of the vote, a directive, the minutes of the evaluation and the
accountability conclusion — each with the national motto, the issuing body, its number in the
unit's register of the year (kept once issued), the place and date line, the title, the body,
"Nơi nhận" and the signature block, in Vietnamese with every diacritic. A PNG of each first page
is kept under tests/e2e/artifacts/ when pdftoppm is there."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from django.utils import timezone

from evidence.models import OfficialDocument
from tests.evidence.test_dossier import lived  # noqa: F401  (the fixture)

ARTIFACTS = Path(__file__).resolve().parents[1] / "e2e" / "artifacts"
LIST = "/api/v1/proposals/{}/documents/"


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def with_directive(as_, lived):  # noqa: F811
    """The lived proposal, and a second pilot of cadre_a suspended by head_a (a directive)."""
    from tests.pilots.conftest import pilot_body
    from tests.proposals.conftest import make_proposal

    proposal, case = lived
    other = make_proposal(proposal.author, "approved")
    pid = as_("head_a").post("/api/v1/pilots/", pilot_body(other.pk), format="json").json()["id"]
    suspended = as_("head_a").post(
        f"/api/v1/pilots/{pid}/suspend/", {"reason": "Tạm dừng để rà soát hồ sơ."}, format="json"
    )
    assert suspended.status_code == 200, suspended.json()
    return proposal, case, other


def test_each_document_in_the_decree_30_format(as_, demo, with_directive):
    proposal, _case, other = with_directive
    listed = as_("cadre_a").get(LIST.format(proposal.pk)).json()
    kinds = [item["kind"] for item in listed]
    assert kinds == ["minutes", "decision", "evaluation", "conclusion"] and all(
        i["number"] is None for i in listed
    )
    directive = next(i for i in as_("cadre_a").get(LIST.format(other.pk)).json() if i["kind"] == "directive")
    expected = {
        "minutes": ("BIÊN BẢN", "Họp tập thể lãnh đạo biểu quyết", "/BB-SKHDT", "tán thành", "CHỦ TRÌ"),
        "decision": ("QUYẾT ĐỊNH", "Căn cứ Nghị định số 73/2023/NĐ-CP ngày 29/9/2023", "/QĐ-SKHDT", "Điều 1.",
                     "GIÁM ĐỐC", "380.000.000 ₫"),
        "evaluation": ("BIÊN BẢN", "Đánh giá kết quả thí điểm", "/BB-SKHDT", "Không hoàn thành",
                       "120.000.000 ₫"),
        "conclusion": ("KẾT LUẬN", "Về việc xem xét trách nhiệm", "/KL-UBND", "Giảm nhẹ", "CHỦ TỊCH"),
        "directive": ("QUYẾT ĐỊNH", "Về việc tạm dừng thực hiện thí điểm", "/QĐ-SKHDT",
                      "Tạm dừng để rà soát hồ sơ."),
    }  # fmt: skip
    today = timezone.localdate()  # the day of the steps, in Hanoi
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for item in [*listed, directive]:
        response = as_("cadre_a").get(item["url"])
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", item
        text = text_of(response.content)
        issuer = "UBND TỈNH DEMO" if item["kind"] == "conclusion" else "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"
        place = f"Hà Nội, ngày {today:%d} tháng {today:%m} năm {today:%Y}"
        motto = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
        for block in (*motto, issuer, "Số: ", place, "Nơi nhận:", "Lưu: VT"):
            assert block in text, (item["kind"], block)
        for part in expected[item["kind"]]:
            assert part in text, (item["kind"], part)
        entry = OfficialDocument.objects.get(kind=item["kind"], proposal_id=item["url"].split("/")[4])
        assert f"Số: {entry.reference}" in text
        _png(response.content, f"document_{item['kind']}")
    # numbered per unit and year, and the number kept once issued
    numbers = {d.kind: d.reference for d in OfficialDocument.objects.all()}
    assert numbers["decision"] == "1/QĐ-SKHDT" and numbers["directive"] == "2/QĐ-SKHDT"
    assert numbers["minutes"] == "1/BB-SKHDT" and numbers["evaluation"] == "2/BB-SKHDT"
    assert numbers["conclusion"] == "1/KL-UBND"
    again = as_("head_top").get(next(i["url"] for i in listed if i["kind"] == "decision"))
    assert "Số: 1/QĐ-SKHDT" in text_of(again.content) and OfficialDocument.objects.count() == 5
    assert [i["number"] for i in as_("cadre_a").get(LIST.format(proposal.pk)).json()][:2] == [
        "1/BB-SKHDT",
        "1/QĐ-SKHDT",
    ]


def test_documents_are_refused_to_outsiders_and_unknown_keys(as_, demo, lived, client):  # noqa: F811
    proposal, _case = lived
    assert as_("cadre_b").get(LIST.format(proposal.pk)).status_code == 404
    assert as_("cadre_b").get(f"{LIST.format(proposal.pk)}decision-{proposal.pk}/").status_code == 404
    assert as_("cadre_a").get(f"{LIST.format(proposal.pk)}decision-999/").status_code == 404
    assert as_("cadre_a").get(f"{LIST.format(proposal.pk)}nothing/").status_code == 404
    client.force_login(demo["cadre_a"])
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="evidence"' in page and 'data-testid="document-decision"' in page
    assert client.get(f"/evidence/documents/{proposal.pk}/decision-{proposal.pk}/").content[:5] == b"%PDF-"


def _png(pdf: bytes, name: str) -> None:
    """The first page as a PNG for a person to look at, when poppler's pdftoppm is installed."""
    if shutil.which("pdftoppm") is None:
        return
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(ARTIFACTS / name)], check=True, timeout=60)  # fmt: skip
    source.unlink()
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 1000
