"""The subject's explanation with a file (the same upload rules as proposals), downloaded only
through the case's gate; and the record the case page shows: the plan as approved, directives and
whether they were followed, reports, corrective actions and their state."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accountability import evidence
from accountability.models import CaseAttachment, CaseExplanation
from pilots.models import CorrectiveAction, Inspection
from tests.accountability.test_api import API, CAUSES, outcome_case, post
from tests.files import PDF
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal


@pytest.fixture
def as_(demo, api):
    return lambda username: api(demo[username])


@pytest.fixture
def private_media(settings, tmp_path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def explain(client, case, text: str, upload=None, **extra):
    body = {"text": text, **extra}
    if upload is not None:
        body["file"] = upload
    return client.post(f"{API}{case.pk}/explanation/", body, format="multipart")


def test_the_subject_explains_with_a_signed_pdf_and_whoever_sees_the_case_downloads_it(
    as_, demo, client, private_media
):
    case = outcome_case(as_, demo)
    upload = SimpleUploadedFile("giai-trinh.pdf", PDF, content_type="application/pdf")
    response = explain(as_("cadre_a"), case, "Tôi giải trình, kèm văn bản.", upload, description="Bản ký")
    assert response.status_code == 201, response.json()
    [shown] = response.json()["explanations"]
    [file] = shown["attachments"]
    assert (file["original_name"], file["kind"], file["size"], file["description"]) == (
        "giai-trinh.pdf", "pdf", len(PDF), "Bản ký",
    )  # fmt: skip
    stored = CaseAttachment.objects.get()
    assert stored.history.count() == 1 and stored.uploaded_by == demo["cadre_a"]
    assert Path(stored.file.path).is_relative_to(private_media)
    for username in ("cadre_a", "head_a", "head_top"):
        client.force_login(demo[username])
        download = client.get(file["url"])
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
        assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(demo["cadre_b"])  # an outsider: no such case, no such file
    assert client.get(file["url"]).status_code == 404
    client.force_login(demo["cadre_a"])
    assert client.get(f"/cases/{case.pk}/files/{stored.pk + 1}/").status_code == 404
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="case-file"' in page and "giai-trinh.pdf" in page


@pytest.mark.parametrize(
    ("name", "content"),
    [("anh.png", b"<html><script>alert(1)</script></html>"), ("rong.pdf", b""), ("x.exe", b"MZ\x90\x00")],
)
def test_a_refused_file_saves_neither_the_file_nor_the_explanation(as_, demo, private_media, name, content):
    case = outcome_case(as_, demo)
    rows = case.transitions.count()
    response = explain(as_("cadre_a"), case, "Giải trình.", SimpleUploadedFile(name, content))
    assert response.status_code == 400 and "file" in response.json()
    assert not CaseExplanation.objects.exists() and not CaseAttachment.objects.exists()
    assert case.transitions.count() == rows
    assert not any(private_media.rglob("*"))


def test_the_explanation_form_takes_a_file_and_a_bad_one_is_a_form_error(as_, demo, client, private_media):
    case = outcome_case(as_, demo)
    client.force_login(demo["cadre_a"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    bad = {"text": "Giải trình.", "file": SimpleUploadedFile("a.pdf", b"not a pdf")}
    response = client.post(f"/cases/{case.pk}/explanation/", bad)
    assert response.status_code == 400 and "PDF, DOCX" in response.content.decode()
    assert not CaseExplanation.objects.exists()
    good = {"text": "Giải trình.", "file": SimpleUploadedFile("b.pdf", PDF), "description": "Biên bản"}
    assert client.post(f"/cases/{case.pk}/explanation/", good).status_code == 302
    assert CaseAttachment.objects.get().explanation == CaseExplanation.objects.get()


def test_the_case_page_shows_the_record_the_decision_rests_on(as_, demo, client):
    proposal = make_proposal(demo["cadre_a"], "approved")
    pid = post(as_("head_a"), "/api/v1/pilots/", pilot_body(proposal.pk)).json()["id"]
    head, cadre = as_("head_a"), as_("cadre_a")
    inspection = post(
        as_("inspector"), f"/api/v1/pilots/{pid}/inspections/",
        {"findings": "Hồ sơ chưa đủ", "severity": "major", "corrective_actions": "Bổ sung hồ sơ",
         "due_date": "2099-01-10"},
    )  # fmt: skip
    assert inspection.status_code == 201, inspection.json()
    CorrectiveAction.objects.update(due_date="2020-01-10")  # time has passed, nothing was done
    assert (
        post(head, f"/api/v1/pilots/{pid}/suspend/", {"reason": "Chờ ý kiến Sở Tư pháp"}).status_code == 200
    )
    assert post(head, f"/api/v1/pilots/{pid}/terminate/", {"reason": "Dừng thí điểm"}).status_code == 200
    post(cadre, f"/api/v1/pilots/{pid}/results-report/", {"summary": "Dừng giữa chừng."})
    evaluation = {"outcome": "not_completed", "damage": False, "party_opinion": "Nhất trí.", **CAUSES}
    assert post(head, f"/api/v1/pilots/{pid}/evaluate/", evaluation).status_code == 200
    case = proposal.cases.get(kind="outcome")

    record = evidence.of_case(case)
    assert [(d.step.action, d.followed) for d in record["directives"]] == [
        ("suspend", True),
        ("terminate", True),
    ]
    [overdue] = record["corrective_actions"]
    assert overdue.state == "overdue" and overdue.action == CorrectiveAction.objects.get()
    assert record["reports"] and all(r.pilot_id == pid for r in record["reports"])
    values = [value for _label, value in record["plan"]]
    assert any("Thời gian xử lý hồ sơ: 45" in value for value in values)
    assert any(value.startswith("500") for value in values)  # the budget as approved, in đồng

    client.force_login(demo["head_a"])
    shown = client.get(f"/cases/{case.pk}/").content.decode()
    for part in ("approved-plan", "directives", "reports", "corrective-actions"):
        assert f'data-testid="{part}"' in shown, part
    assert "Chờ ý kiến Sở Tư pháp" in shown and "Bổ sung hồ sơ" in shown
    assert Inspection.objects.filter(pilot_id=pid).count() == 1


def test_a_report_submitted_while_a_suspension_held_shows_the_directive_not_followed(as_, demo):
    """The portal refuses reports while suspended; an entry written around it is still caught."""
    case = outcome_case(as_, demo)
    pilot = case.pilot
    step = pilot.transitions.last()
    pilot.transitions.create(
        action="suspend", from_status="active", to_status="suspended", actor=demo["head_a"],
        at=step.at - datetime.timedelta(days=2),
    )  # fmt: skip
    report = pilot.reports.first()
    report.submitted_at = step.at - datetime.timedelta(days=1)
    report.save()
    [suspension] = [d for d in evidence.directives(pilot) if d.step.action == "suspend"]
    assert suspension.followed is False and "1" in suspension.how


def test_an_outcome_cases_summary_is_drawn_in_the_readers_language(as_, demo, api):
    case = outcome_case(as_, demo)
    assert case.summary == ""  # nothing stored in the evaluator's language
    english = api(demo["head_a"]).get(f"{API}{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    vietnamese = api(demo["head_a"]).get(f"{API}{case.pk}/", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert (english["summary"], vietnamese["summary"]) == ("Not completed", "Không hoàn thành")
