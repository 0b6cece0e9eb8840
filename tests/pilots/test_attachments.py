"""Files on pilots and their reports: type from content, private storage, the permission gate."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilots.models import PilotAttachment
from tests.files import PDF
from tests.pilots.conftest import pilot_body


@pytest.fixture
def pilot_id(demo, api, approved, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    response = api(demo["head_a"]).post("/api/v1/pilots/", pilot_body(approved.pk), format="json")
    assert response.status_code == 201
    return response.json()["id"]


def test_an_implementer_attaches_evidence_to_a_report_through_the_api(demo, api, pilot_id, tmp_path):
    client = api(demo["cadre_a"])
    report_id = client.get(f"/api/v1/pilots/{pilot_id}/reports/").json()[0]["id"]
    upload = SimpleUploadedFile("bien-ban.exe", PDF)
    response = client.post(
        f"/api/v1/pilots/{pilot_id}/attachments/",
        {"file": upload, "report": report_id, "description": "Biên bản"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "pdf"
    attachment = PilotAttachment.objects.get()
    assert attachment.report_id == report_id
    assert str(tmp_path) in attachment.file.path
    assert len(client.get(f"/api/v1/pilots/{pilot_id}/attachments/").json()) == 1


def test_an_executable_or_an_empty_file_is_refused_with_a_message(demo, api, pilot_id):
    client = api(demo["cadre_a"])
    for content in (b"MZ\x90\x00binary", b""):
        response = client.post(
            f"/api/v1/pilots/{pilot_id}/attachments/", {"file": SimpleUploadedFile("x.pdf", content)}
        )
        assert response.status_code == 400
        assert "file" in response.json()
    assert not PilotAttachment.objects.exists()


def test_files_are_served_only_through_the_gate(demo, api, pilot_id, client):
    api(demo["cadre_a"]).post(
        f"/api/v1/pilots/{pilot_id}/attachments/", {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    attachment = PilotAttachment.objects.get()
    client.force_login(demo["head_a"])
    response = client.get(f"/pilots/{pilot_id}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(demo["cadre_b"])
    assert client.get(f"/pilots/{pilot_id}/attachments/{attachment.pk}/").status_code == 404
    assert api(demo["cadre_b"]).post(f"/api/v1/pilots/{pilot_id}/attachments/", {}).status_code == 404


def test_the_page_form_attaches_a_file_and_shows_it(demo, pilot_id, client):
    client.force_login(demo["cadre_a"])
    response = client.post(f"/pilots/{pilot_id}/attachments/", {"file": SimpleUploadedFile("kq.pdf", PDF)})
    assert response.status_code == 302
    assert "kq.pdf" in client.get(f"/pilots/{pilot_id}/").content.decode()
    response = client.post(f"/pilots/{pilot_id}/attachments/", {"file": SimpleUploadedFile("kq.pdf", b"")})
    assert response.status_code == 400
    assert PilotAttachment.objects.count() == 1
