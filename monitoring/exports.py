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
from monitoring.sources import figures_of
from monitoring.structure import CHOICES, TODAY
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


def sections(figures: dict, links: bool = False) -> list[tuple[str, str, list[tuple]]]:
    """(key, title, rows of (label, number)) for each section, in the reader's language; with
    `links`, each row also names its figure (`proposals.by_status.draft`) when a list is behind it."""
    keys, found = _keys(), []
    listed = figures_of(timezone.localdate()) if links else {}
    for section, title in _titles().items():
        rows = []
        for key, value in figures[section].items():
            word = keys.get(key, key)
            pairs = (
                [(f"{key}.{code}", f"{word}: {_label(section, key, code)}", n) for code, n in value.items()]
                if isinstance(value, dict) else [(key, word, value)]
            )  # fmt: skip
            for figure, label, number in pairs:
                linked = f"{section}.{figure}" if figure in listed.get(section, {}) else None
                rows.append((label, number, linked) if links else (label, number))
        found.append((section, title, rows))
    return found


def _label(section: str, key: str, code: str) -> str:
    choices = LABELS.get((section, key))
    return str(choices(code).label) if choices else code


def label_of(figure: str) -> str:
    """The title of one figure (`pilots.outcomes.completed` → "Pilots — outcomes: Completed")."""
    section, _dot, rest = figure.partition(".")
    key, _dot, code = rest.partition(".")
    titles = _titles() | {"compliance": _("Deadline compliance")}
    words = _keys() | {
        "all": _("all"), "approved": _("approved"),
        **{f"{name}_{part}": f"{title}: {column}" for name, title in _compliance_keys().items()
           for part, column in compliance_columns().items()},
    }  # fmt: skip
    label = words.get(key, key) + (f": {_label(section, key, code)}" if code else "")
    return f"{titles.get(section, section)} — {label}"


def _compliance_keys() -> dict[str, str]:
    labels = compliance_labels()
    return {"decisions": labels["decisions"], "results": labels["results_reports"],
            "evaluations": labels["evaluations"]}  # fmt: skip


def compliance_labels() -> dict[str, str]:
    return {
        "decisions": _("Decisions within 7 working days"),
        "results_reports": _("Results reports on time"),
        "evaluations": _("Evaluations on time"),
    }


def compliance_columns() -> dict[str, str]:
    return {"on_time": _("on time"), "late": _("late"), "overdue": _("overdue now"),
            "share_on_time": _("share on time")}  # fmt: skip


def compliance_rows(deadlines: dict) -> list[dict]:
    """The unit's own line, then each child's: name and, per deadline, its four numbers."""
    return [{"name": row["name"], "unit": row["unit"], "cells": [row[key] for key in compliance_labels()]}
            for row in [deadlines, *deadlines["children"]]]  # fmt: skip


def _compliance_sheet(book: Workbook, deadlines: dict) -> None:
    sheet = book.create_sheet(_("Deadline compliance")[:31])
    header = [_("Code"), _("Name")]
    for title in compliance_labels().values():
        header += [f"{title}: {column}" for column in compliance_columns().values()]
    sheet.append(header)
    for row in compliance_rows(deadlines):
        cells = [row["unit"], row["name"]]
        for numbers in row["cells"]:
            cells += [numbers[column] for column in compliance_columns()]
        sheet.append(cells)
    for column in sheet.iter_cols(min_row=2, min_col=6, max_col=len(header)):
        for cell in column:
            if isinstance(cell.value, float):
                cell.number_format = "0.0%"
    sheet.column_dimensions["B"].width = 40


def summary_xlsx(
    figures: dict, unit_name: str, deadlines: dict | None = None, structure: str = TODAY
) -> bytes:
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
    head.append([_("Units counted by"), str(CHOICES[structure])])
    for _key, title, rows in sections(figures):
        sheet = book.create_sheet(title[:31])
        sheet.append([title, _("number")])
        sheet["A1"].font = sheet["B1"].font = bold
        for label, number in rows:
            sheet.append([label, number])
        sheet.column_dimensions["A"].width = 60
    if deadlines is not None:
        _compliance_sheet(book, deadlines)
    children = book.create_sheet(_("Units below")[:31])
    children.append([_("Code"), _("Name"), _("Proposals"), _("approved"), _("Pilots"), _("Overdue")])
    for child in figures["children"]:
        children.append([child["unit"], child["name"], child["proposals"], child["approved"], child["pilots"],
                         child["overdue"]])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_pdf(figures: dict, unit, reader, deadlines: dict | None = None, structure: str = TODAY) -> bytes:
    compliance = compliance_rows(deadlines) if deadlines is not None else None
    context = {"figures": figures, "sections": sections(figures), "unit": unit, "reader": reader,
               "compliance": compliance, "compliance_labels": compliance_labels(),
               "today": timezone.localdate(), "start": datetime.date.fromisoformat(figures["from"]),
               "end": datetime.date.fromisoformat(figures["to"]),
               "structure": CHOICES[structure] if structure != TODAY else None}  # fmt: skip
    return render_pdf("monitoring/summary_pdf.html", context)
