"""The summary as files: XLSX (openpyxl — one sheet per section, real numbers and dates) and PDF
(WeasyPrint, the Decree 30 layout of an administrative report). Labels in the reader's language."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accountability.models import Case
from pilots.models import Pilot
from portal.pdf import render_pdf
from proposals.models import Proposal
from recognition.models import Reward

LABELS = {
    ("proposals", "by_status"): Proposal.Status,
    ("pilots", "by_status"): Pilot.Status,
    ("pilots", "outcomes"): Pilot.Outcome,
    ("cases", "by_status"): Case.Status,
    ("cases", "by_result"): Case.Result,
    ("rewards", "by_kind"): Reward.Kind,
}


def _titles() -> dict[str, str]:
    return {
        "proposals": _("Proposals"), "pilots": _("Pilots"), "cases": _("Accountability cases"),
        "rewards": _("Rewards"), "models": _("Model library"), "obstacles": _("Obstacles"),
        "urgings": _("Urgings"),
    }  # fmt: skip


def _keys() -> dict[str, str]:
    return {
        "decided_on_time": _("decided on time"), "decided_late": _("decided late"),
        "pending_overdue": _("waiting past the due date"), "approved_by_vote": _("approved by vote"),
        "approved_by_override": _("approved by the head's decision"),
        "median_working_days_to_decision": _("median working days to a decision"),
        "reports_overdue": _("progress reports overdue"), "damage_vnd": _("damage (VND)"),
        "published": _("models published"), "adoptions": _("adoptions"),
        "institutionalised": _("documents issued"),
        "raised": _("obstacles raised"), "answered_on_time": _("answered on time"),
        "escalated": _("escalated"),
        "open": _("waiting for an answer"), "sent": _("urgings sent"), "answered": _("urgings answered"),
        "items_cleared_in_10_working_days": _("items cleared within 10 working days"),
        "by_status": _("by status"), "outcomes": _("outcomes"), "by_result": _("by result"),
        "by_kind": _("by kind"),
    }  # fmt: skip


def sections(figures: dict) -> list[tuple[str, str, list[tuple[str, float | int | None]]]]:
    """(key, title, rows of (label, number)) for each section, in the reader's language."""
    keys, found = _keys(), []
    for section, title in _titles().items():
        rows = []
        for key, value in figures[section].items():
            if isinstance(value, dict):
                choices = LABELS.get((section, key))
                for code, number in value.items():
                    label = str(choices(code).label) if choices else code
                    rows.append((f"{keys.get(key, key)}: {label}", number))
            else:
                rows.append((keys.get(key, key), value))
        found.append((section, title, rows))
    return found


def summary_xlsx(figures: dict, unit_name: str) -> bytes:
    book = Workbook()
    head = book.active
    head.title = _("Report")[:31]
    bold = Font(bold=True)
    head.append([_("unit"), unit_name])
    head.append([_("from"), datetime.date.fromisoformat(figures["from"])])
    head.append([_("until"), datetime.date.fromisoformat(figures["to"])])
    head.append([_("drawn up"), timezone.localtime().replace(tzinfo=None)])
    for row in head.iter_rows(min_row=2, max_row=3, min_col=2, max_col=2):
        row[0].number_format = "DD/MM/YYYY"
    head["B4"].number_format = "DD/MM/YYYY HH:MM"
    for _key, title, rows in sections(figures):
        sheet = book.create_sheet(title[:31])
        sheet.append([title, _("number")])
        sheet["A1"].font = sheet["B1"].font = bold
        for label, number in rows:
            sheet.append([label, number])
        sheet.column_dimensions["A"].width = 60
    children = book.create_sheet(_("Units below")[:31])
    children.append([_("Code"), _("Name"), _("Proposals"), _("approved"), _("Pilots"), _("Overdue")])
    for child in figures["children"]:
        children.append([child["unit"], child["name"], child["proposals"], child["approved"], child["pilots"],
                         child["overdue"]])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_pdf(figures: dict, unit, reader) -> bytes:
    context = {"figures": figures, "sections": sections(figures), "unit": unit, "reader": reader,
               "today": timezone.localdate(), "start": datetime.date.fromisoformat(figures["from"]),
               "end": datetime.date.fromisoformat(figures["to"])}  # fmt: skip
    return render_pdf("monitoring/summary_pdf.html", context)
