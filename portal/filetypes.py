"""Recognise an uploaded file's type from its content, never from its name."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import IO

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def sniff(stream: IO[bytes]) -> str | None:
    """One of pdf, docx, xlsx, odt, jpeg, png — or None for anything else. The first bytes name
    the candidate type; the whole structure must then be of that type (a PDF that parses, an
    image that decodes, an office package whose parts are there and whose CRCs hold), so that a
    file that is also something else (a `%PDF-` header followed by HTML) is refused."""
    stream.seek(0)
    head = stream.read(1024)
    stream.seek(0)
    if any(marker in head.lower() for marker in HTML_MARKERS):
        return None
    try:
        if head.startswith(b"%PDF-"):
            return "pdf" if _is_pdf(stream) else None
        if head.startswith(b"\xff\xd8\xff"):
            return "jpeg" if _is_image(stream, "JPEG") else None
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png" if _is_image(stream, "PNG") else None
        if head.startswith(b"PK\x03\x04"):
            return _sniff_zip(stream)
        return None
    finally:
        stream.seek(0)


# What a browser would take for a web page, in the bytes it sniffs.
HTML_MARKERS = (b"<html", b"<script", b"<!doctype html", b"<body", b"<iframe", b"<svg")


def _is_pdf(stream: IO[bytes]) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(stream, strict=False)
        return reader.trailer.get("/Root") is not None and len(reader.pages) >= 1
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OSError,
    ):
        return False


def _is_image(stream: IO[bytes], kind: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(stream) as image:
            if image.format != kind:
                return False
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False


# The part an office package of each type cannot be without.
MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "odt": "content.xml"}


def _sniff_zip(stream: IO[bytes]) -> str | None:
    from defusedxml import DefusedXmlException, ElementTree

    broken = (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, RuntimeError, DefusedXmlException)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                kind = "odt" if mimetype == b"application/vnd.oasis.opendocument.text" else None
            elif "[Content_Types].xml" in names:
                ElementTree.fromstring(archive.read("[Content_Types].xml"))
                kind = next((k for k in ("docx", "xlsx") if MAIN_PARTS[k] in names), None)
            else:
                kind = None
            if kind is None or MAIN_PARTS[kind] not in names or archive.testzip() is not None:
                return None
            ElementTree.fromstring(archive.read(MAIN_PARTS[kind]))
            return kind
    except (*broken, ElementTree.ParseError):
        return None


def sniff_bytes(data: bytes) -> str | None:
    return sniff(io.BytesIO(data))


def inspect_upload(upload: IO[bytes]) -> tuple[str, int, str]:
    """(kind, size, sha256) of an upload, or IncompleteInput saying clearly what is wrong."""
    from django.utils.translation import gettext as _

    from portal.errors import IncompleteInput

    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    if size == 0:
        raise IncompleteInput({"file": _("The file is empty.")})
    if size > MAX_UPLOAD_BYTES:
        raise IncompleteInput({"file": _("The file is larger than 20 MB.")})
    kind = sniff(upload)
    if kind is None:
        raise IncompleteInput({"file": _("Only PDF, DOCX, XLSX, ODT, JPEG and PNG files are accepted.")})
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return kind, size, digest.hexdigest()


def store_upload(attachment, upload: IO[bytes], *, name: str, description: str, actor) -> None:
    """Fill and save an attachment row (of any app) from an upload: the type read from the
    content, the size and SHA-256, the file kept under its digest, a history reason."""
    from django.core.files.base import File

    attachment.kind, attachment.size, attachment.sha256 = inspect_upload(upload)
    attachment.original_name = (name or "file")[-255:]
    attachment.description = (description or "").strip()[:255]
    attachment.uploaded_by = actor
    attachment.file.save(attachment.sha256, File(upload), save=False)
    attachment._change_reason = f"attached by {actor.username}"
    attachment.save()


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "odt": ".odt", "jpeg": ".jpg", "png": ".png"}


def download_name(filename: str, kind: str) -> str:
    """The name a file is downloaded under: the name it came with as a label, with the extension
    of the type read from its content ("poly.html" holding a PDF downloads as "poly.pdf")."""
    stem, dot, suffix = (filename or "file").rpartition(".")
    if dot and f".{suffix.lower()}" in {EXTENSIONS[kind], ".jpeg" if kind == "jpeg" else EXTENSIONS[kind]}:
        return filename
    return f"{stem if dot else filename}{EXTENSIONS[kind]}"


def download(stored_file, *, filename: str, kind: str):
    """A file response for a private file already loaded through the permission gate."""
    from django.http import FileResponse

    response = FileResponse(
        stored_file.open("rb"), as_attachment=True, filename=download_name(filename, kind),
        content_type=CONTENT_TYPES[kind],
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response
