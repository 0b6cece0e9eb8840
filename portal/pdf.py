"""PDF documents drawn by WeasyPrint from an HTML template, with the vendored Liberation Serif
fonts (metric-compatible with the Times New Roman that Decree 30 prescribes, every Vietnamese
glyph; DejaVu Serif as a fallback; never fetched at run time). The base template `pdf/base.html` follows the
layout of an administrative document of Decree 30/2020/NĐ-CP: the issuing body and the national
motto side by side, the number, the place and date line, the title, the body, the signature."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    defaults = {"today": timezone.localdate(), "place": settings.PORTAL_PLACE}
    html = render_to_string(template, {**defaults, **context, "font_dir": FONTS.as_uri()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(template: str, context: dict, *, filename: str) -> HttpResponse:
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
