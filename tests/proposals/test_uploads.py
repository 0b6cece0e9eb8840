"""Attachments (acceptance line 6): the type comes from the content, refusals are explained on the
page and store nothing, files live under PRIVATE_MEDIA_ROOT and download only through the gate."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import FileField
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from portal.errors import IncompleteInput, InvalidTransition, NotAllowed
from portal.filetypes import MAX_UPLOAD_BYTES
from proposals import services
from proposals.models import ProposalAttachment
from tests.files import JPEG, PDF, PNG
from tests.proposals.conftest import make_proposal

ONLY_SOME_TYPES = "Only PDF, DOCX, XLSX, ODT, JPEG and PNG files are accepted."
TOO_LARGE = "The file is larger than 20 MB."
EMPTY = "The file is empty."
ONLY_EDITABLE = "Files can be attached only to a draft or a returned proposal."


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            # ODF wants its "mimetype" entry first and uncompressed.
            archive.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


CONTENT_TYPES_XML = b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
DOCX = zip_of(
    {"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": b'<w:document xmlns:w="urn:w"/>'}
)
XLSX = zip_of({"[Content_Types].xml": CONTENT_TYPES_XML, "xl/workbook.xml": b"<workbook/>"})
ODT = zip_of(
    {
        "mimetype": b"application/vnd.oasis.opendocument.text",
        "content.xml": b'<office:document xmlns:office="urn:o"/>',
    }
)

ACCEPTED = {
    "pdf": ("ke-hoach.pdf", PDF),
    "png": ("so-do.png", PNG),
    "jpeg": ("anh-hien-truong.jpg", JPEG),
    "docx": ("du-thao.docx", DOCX),
    "xlsx": ("du-toan.xlsx", XLSX),
    "odt": ("thuyet-minh.odt", ODT),
}
REFUSED = {
    "a Windows executable renamed .pdf": ("ke-hoach.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
    "a Linux executable renamed .pdf": ("ke-hoach.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200),
    "a zip that is not an office document": ("du-thao.docx", zip_of({"readme.txt": b"hello"})),
    "a spreadsheet ODF renamed .odt": (
        "thuyet-minh.odt",
        zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
    ),
    "a broken zip": ("du-thao.docx", b"PK\x03\x04" + b"\x00" * 100),
    "an HTML page renamed .png": ("so-do.png", b"<html><script>alert(1)</script></html>"),
    "a shell script renamed .jpg": ("anh.jpg", b"#!/bin/sh\nrm -rf /\n"),
}


@pytest.fixture
def private_media(settings, tmp_path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def draft(demo):
    return make_proposal(demo["cadre_a"], "draft")


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, proposal, name: str, content: bytes, description: str = ""):
    return client.post(
        f"/proposals/{proposal.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content), "description": description},
    )


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def shows(html: str, english: str) -> bool:
    """The message is on the page, in English or in its Vietnamese translation."""
    candidates = {english}
    for language in ("vi", "en"):
        with translation.override(language):
            candidates.add(gettext(english))
    return any(escape(text) in html for text in candidates)


def assert_nothing_stored(root: Path) -> None:
    assert ProposalAttachment.objects.count() == 0
    assert ProposalAttachment.history.count() == 0
    assert stored_files(root) == []


def downloaded(response) -> bytes:
    # Reading the stream to its end closes the response through the test client's wrapper,
    # which keeps the test's database connection open; a direct response.close() would fire
    # request_finished and close it (PostgreSQL then fails the rest of the test).
    return b"".join(response.streaming_content)


# --- Accepted files ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ACCEPTED))
def test_an_accepted_file_is_stored_privately_with_its_type_read_from_the_content(
    demo, draft, private_media, settings, kind
):
    name, content = ACCEPTED[kind]
    response = upload(browser(demo["cadre_a"]), draft, name, content, "Phụ lục")
    assert response.status_code == 302
    attachment = ProposalAttachment.objects.get(proposal=draft)
    assert attachment.kind == kind
    assert attachment.original_name == name
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.uploaded_by == demo["cadre_a"]
    path = Path(attachment.file.path).resolve()
    assert path.is_relative_to(private_media.resolve())
    assert path.read_bytes() == content
    assert stored_files(private_media) == [path]
    for public in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS, settings.MEDIA_ROOT or None):
        if public:
            assert not path.is_relative_to(Path(public).resolve())
    with pytest.raises(ValueError):  # private files have no public URL
        _ = attachment.file.url
    page = browser(demo["cadre_a"]).get(f"/proposals/{draft.pk}/").content.decode()
    assert name in page and f"/proposals/{draft.pk}/attachments/{attachment.pk}/" in page


def test_a_png_renamed_docx_is_accepted_as_a_png(demo, draft, private_media):
    response = upload(browser(demo["cadre_a"]), draft, "bao-cao.docx", PNG)
    assert response.status_code == 302
    attachment = ProposalAttachment.objects.get(proposal=draft)
    assert attachment.kind == "png"
    download = browser(demo["cadre_a"]).get(f"/proposals/{draft.pk}/attachments/{attachment.pk}/")
    assert download["Content-Type"] == "image/png"
    assert downloaded(download) == PNG


def test_a_pdf_header_before_html_is_refused_and_a_label_never_names_the_type(demo, draft, private_media):
    """Issue "Trust", defect 11: the whole structure is read, not the first bytes; the name the
    file came with is a label, and the stored file and the download carry the detected type."""
    polyglot = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"
    for name, content in (("poly.html", polyglot), ("poly.pdf", polyglot), ("anh.png", PNG[:40]),
                          ("so-do.png", b"\x89PNG\r\n\x1a\n<svg onload=alert(1)>")):  # fmt: skip
        assert upload(browser(demo["cadre_a"]), draft, name, content).status_code == 400, name
    assert not ProposalAttachment.objects.exists() and stored_files(private_media) == []
    assert upload(browser(demo["cadre_a"]), draft, "poly.html", PDF).status_code == 302
    attachment = ProposalAttachment.objects.get()
    assert (attachment.kind, attachment.original_name) == ("pdf", "poly.html")
    assert attachment.file.name.endswith(".pdf")
    download = browser(demo["cadre_a"]).get(f"/proposals/{draft.pk}/attachments/{attachment.pk}/")
    assert 'filename="poly.pdf"' in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"


def test_after_an_upload_the_author_is_back_on_the_proposal_page_with_a_confirmation(
    demo, draft, private_media
):
    author = browser(demo["cadre_a"])
    response = upload(author, draft, "ke-hoach.pdf", PDF)
    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{draft.pk}/"
    page = author.get(response["Location"])
    assert page.status_code == 200
    assert "alert-success" in page.content.decode()


def test_a_returned_proposal_accepts_files_again(demo, private_media):
    proposal = make_proposal(demo["cadre_a"], "returned")
    assert upload(browser(demo["cadre_a"]), proposal, "bo-sung.pdf", PDF).status_code == 302
    assert ProposalAttachment.objects.filter(proposal=proposal).count() == 1


def test_a_co_implementer_may_attach(demo, draft, private_media):
    services.co_implementer_add(actor=demo["cadre_a"], proposal=draft, user=demo["cadre_a2"])
    assert upload(browser(demo["cadre_a2"]), draft, "ke-hoach.pdf", PDF).status_code == 302
    assert ProposalAttachment.objects.get(proposal=draft).uploaded_by == demo["cadre_a2"]


def test_a_file_of_exactly_20_mb_is_accepted(demo, draft, private_media):
    content = PDF + b"\x00" * (MAX_UPLOAD_BYTES - len(PDF))
    attachment = services.attachment_add(
        actor=demo["cadre_a"], proposal=draft, upload=SimpleUploadedFile("lon.pdf", content), name="lon.pdf"
    )
    assert attachment.size == MAX_UPLOAD_BYTES
    assert Path(attachment.file.path).stat().st_size == MAX_UPLOAD_BYTES


# --- Refused files: the page says why, nothing is stored --------------------------------------


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_file_of_another_type_is_refused_on_the_page_and_nothing_is_stored(
    demo, draft, private_media, case
):
    name, content = REFUSED[case]
    response = upload(browser(demo["cadre_a"]), draft, name, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "invalid-feedback" in html
    assert shows(html, ONLY_SOME_TYPES)
    assert_nothing_stored(private_media)


def test_a_file_over_20_mb_is_refused_on_the_page_and_nothing_is_stored(demo, draft, private_media):
    content = PDF + b"\x00" * (MAX_UPLOAD_BYTES + 1 - len(PDF))
    response = upload(browser(demo["cadre_a"]), draft, "qua-lon.pdf", content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "invalid-feedback" in html
    assert shows(html, TOO_LARGE)
    assert_nothing_stored(private_media)


def test_an_empty_file_is_refused_on_the_page_and_nothing_is_stored(demo, draft, private_media):
    response = upload(browser(demo["cadre_a"]), draft, "rong.pdf", b"")
    assert response.status_code == 400
    html = response.content.decode()
    assert "invalid-feedback" in html
    # Django's own check ("The submitted file is empty.") or the service's.
    assert shows(html, str(FileField.default_error_messages["empty"])) or shows(html, EMPTY)
    assert_nothing_stored(private_media)


def test_a_post_without_a_file_is_refused_on_the_page(demo, draft, private_media):
    response = browser(demo["cadre_a"]).post(f"/proposals/{draft.pk}/attachments/", {"description": "x"})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert_nothing_stored(private_media)


@pytest.mark.parametrize(
    "description", ["mô tả\x1b[31m", "x" * 256], ids=["control character", "256 characters"]
)
def test_a_bad_description_is_refused_with_a_message_on_the_page(demo, draft, private_media, description):
    response = upload(browser(demo["cadre_a"]), draft, "ke-hoach.pdf", PDF, description)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()  # the page says what is wrong
    assert_nothing_stored(private_media)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        *((name, content, ONLY_SOME_TYPES) for name, content in REFUSED.values()),
        ("qua-lon.pdf", PDF + b"\x00" * (MAX_UPLOAD_BYTES + 1 - len(PDF)), TOO_LARGE),
        ("rong.pdf", b"", EMPTY),
    ],
    ids=[*REFUSED, "over 20 MB", "empty"],
)
def test_the_service_refuses_the_same_files_and_stores_nothing(
    demo, draft, private_media, name, content, message
):
    with pytest.raises(IncompleteInput) as refused:
        services.attachment_add(
            actor=demo["cadre_a"], proposal=draft, upload=SimpleUploadedFile(name, content), name=name
        )
    assert set(refused.value.errors) == {"file"}
    assert shows(escape(str(refused.value.errors["file"])), message)
    assert_nothing_stored(private_media)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00" * 64, ONLY_SOME_TYPES),
        (b"", EMPTY),
        (b"\x7fELF" + b"\x00" * (MAX_UPLOAD_BYTES - 3), TOO_LARGE),
    ],
    ids=["executable", "empty", "over 20 MB"],
)
def test_the_service_measures_a_plain_stream_itself(demo, draft, private_media, content, message):
    with pytest.raises(IncompleteInput) as refused:
        services.attachment_add(
            actor=demo["cadre_a"], proposal=draft, upload=io.BytesIO(content), name="x.pdf"
        )
    assert shows(escape(str(refused.value.errors["file"])), message)
    assert_nothing_stored(private_media)


def test_the_service_stores_a_file_under_the_private_root_whatever_its_name(demo, draft, private_media):
    attachment = services.attachment_add(
        actor=demo["cadre_a"], proposal=draft, upload=io.BytesIO(PDF), name="../../../../etc/cron.d/evil.pdf"
    )
    assert Path(attachment.file.path).resolve().is_relative_to(private_media.resolve())
    assert "evil" not in attachment.file.name and ".." not in attachment.file.name
    assert stored_files(private_media) == [Path(attachment.file.path).resolve()]


# --- Who may attach, and when -----------------------------------------------------------------


def test_attaching_to_a_submitted_proposal_is_refused_with_a_message(demo, private_media):
    proposal = make_proposal(demo["cadre_a"], "submitted")
    author = browser(demo["cadre_a"])
    response = upload(author, proposal, "ke-hoach.pdf", PDF)
    assert response.status_code in (302, 409)
    page = (
        response.content.decode()
        if response.status_code == 409
        else author.get(response["Location"]).content.decode()
    )
    assert "alert-danger" in page
    assert shows(page, ONLY_EDITABLE)
    assert_nothing_stored(private_media)


def test_the_service_refuses_to_attach_to_a_submitted_proposal(demo, private_media):
    proposal = make_proposal(demo["cadre_a"], "submitted")
    with pytest.raises(InvalidTransition):
        services.attachment_add(
            actor=demo["cadre_a"], proposal=proposal, upload=io.BytesIO(PDF), name="x.pdf"
        )
    assert_nothing_stored(private_media)


def test_the_reviewing_head_may_see_but_not_attach(demo, private_media):
    proposal = make_proposal(demo["cadre_a"], "submitted")
    head = browser(demo["head_a"])
    assert head.get(f"/proposals/{proposal.pk}/").status_code == 200
    assert upload(head, proposal, "ke-hoach.pdf", PDF).status_code == 403
    with pytest.raises(NotAllowed):
        services.attachment_add(actor=demo["head_a"], proposal=proposal, upload=io.BytesIO(PDF), name="x.pdf")
    assert_nothing_stored(private_media)


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_an_outsider_cannot_attach(demo, private_media, state):
    proposal = make_proposal(demo["cadre_a"], state)
    assert upload(browser(demo["cadre_b"]), proposal, "ke-hoach.pdf", PDF).status_code == 404
    assert_nothing_stored(private_media)


def test_uploading_needs_a_post(demo, draft, private_media):
    assert browser(demo["cadre_a"]).get(f"/proposals/{draft.pk}/attachments/").status_code == 405


# --- Downloads ----------------------------------------------------------------------------------


@pytest.fixture
def attached(demo, draft, private_media) -> ProposalAttachment:
    assert upload(browser(demo["cadre_a"]), draft, "kế hoạch chi tiết.pdf", PDF).status_code == 302
    return ProposalAttachment.objects.get(proposal=draft)


def url_of(attachment: ProposalAttachment, proposal_pk: int | None = None) -> str:
    return f"/proposals/{proposal_pk or attachment.proposal_id}/attachments/{attachment.pk}/"


def assert_downloads(client: Client, attachment: ProposalAttachment) -> None:
    response = client.get(url_of(attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert downloaded(response) == PDF


def test_the_author_downloads_the_file_as_an_attachment(demo, attached):
    assert_downloads(browser(demo["cadre_a"]), attached)


def test_the_reviewing_head_downloads_it_after_submission(demo, draft, attached):
    head = browser(demo["head_a"])
    assert head.get(url_of(attached)).status_code == 404  # a draft stays private to its author
    services.proposal_submit(actor=demo["cadre_a"], proposal=draft)
    assert_downloads(head, attached)
    assert_downloads(browser(demo["cadre_a"]), attached)


@pytest.mark.parametrize("submitted", [False, True])
def test_an_outsider_gets_404_for_the_file(demo, draft, attached, submitted):
    if submitted:
        services.proposal_submit(actor=demo["cadre_a"], proposal=draft)
    assert browser(demo["cadre_b"]).get(url_of(attached)).status_code == 404


def test_a_wrong_attachment_id_is_404(demo, attached):
    author = browser(demo["cadre_a"])
    assert (
        author.get(f"/proposals/{attached.proposal_id}/attachments/{attached.pk + 1000}/").status_code == 404
    )
    assert author.get(f"/proposals/{attached.proposal_id}/attachments/999999999999999999/").status_code == 404
    assert author.get(f"/proposals/999999999999999999/attachments/{attached.pk}/").status_code == 404


def test_an_attachment_of_another_proposal_is_404(demo, attached):
    other = make_proposal(demo["cadre_a"], "draft")
    assert browser(demo["cadre_a"]).get(url_of(attached, other.pk)).status_code == 404


def test_downloading_needs_a_get(demo, attached):
    assert browser(demo["cadre_a"]).post(url_of(attached)).status_code == 405
    assert ProposalAttachment.objects.count() == 1
