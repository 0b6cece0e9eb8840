"""Recognise an uploaded file's type from its content, never from its name."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import IO

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def sniff(stream: IO[bytes]) -> str | None:
    """One of pdf, docx, xlsx, odt, jpeg, png — or None for anything else."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(stream)
    return None


def _sniff_zip(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                return "odt" if mimetype == b"application/vnd.oasis.opendocument.text" else None
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return "docx"
                if any(name.startswith("xl/") for name in names):
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError):
        return None
    finally:
        stream.seek(0)
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


def download(stored_file, *, filename: str, kind: str):
    """A file response for a private file already loaded through the permission gate."""
    from django.http import FileResponse

    response = FileResponse(
        stored_file.open("rb"), as_attachment=True, filename=filename, content_type=CONTENT_TYPES[kind]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
