"""Recognise an uploaded file's type from its content, never from its name."""

from __future__ import annotations

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
