"""How a record's history (django-simple-history) reads for a person in the admin: each change's
values as the pages show them — a choice by its label, yes or no, dates dd/mm/yyyy, money in đồng,
an empty value as "—" — and the reason the services wrote ("submitted by cadre_a", "plan adjusted")
in the reader's language. The rows themselves, which the audit chain covers, are never rewritten."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from portal.actions import ACTION_LABELS
from portal.text import money

# The reasons the services write without a person (and the first words of those with one).
REASONS = {
    "accepted": gettext_lazy("Accepted"),
    "added": gettext_lazy("Added"),
    "attached": gettext_lazy("Document attached"),
    "closed": gettext_lazy("Closed"),
    "correction requested": gettext_lazy("Correction requested"),
    "created": gettext_lazy("Created"),
    "edited": gettext_lazy("Edited"),
    "explanation": gettext_lazy("Explanation given"),
    "frozen": gettext_lazy("Frozen"),
    "moved with parent unit": gettext_lazy("Moved with the unit above"),
    "note edited": gettext_lazy("Note edited"),
    "pilot completed": gettext_lazy("Pilot completed"),
    "pilot terminated": gettext_lazy("Pilot terminated"),
    "plan adjusted": gettext_lazy("Plan adjusted"),
    "published": gettext_lazy("Published"),
    "recorded": gettext_lazy("Recorded"),
    "removed by a plan adjustment": gettext_lazy("Removed by a plan adjustment"),
    "reorganised": gettext_lazy("Reorganised"),
    "reporting schedule": gettext_lazy("Reporting schedule"),
    "rescheduled by a plan adjustment": gettext_lazy("Rescheduled by a plan adjustment"),
    "review": gettext_lazy("Reviewed"),
    "review recorded": gettext_lazy("Review recorded"),
    "reward recorded": gettext_lazy("Reward recorded"),
    "role assigned": gettext_lazy("Role assigned"),
    "role ended": gettext_lazy("Role ended"),
    "seed_demo": gettext_lazy("Demo data"),
    "shared out by hand": gettext_lazy("Shared out by hand"),
    "submitted": gettext_lazy("Submitted"),
    "unit closed": gettext_lazy("Unit closed"),
    "value reported": gettext_lazy("Value reported"),
    "withdrawn": gettext_lazy("Withdrawn"),
}
BY = re.compile(r"^(?P<what>.+?) by (?P<who>[\w.@+-]+)(?P<rest>:.*)?$")


def reason_text(reason: str | None, model: type[models.Model] | None = None) -> str:
    """A stored reason in the reader's language: "submitted by cadre_a" → "Đã nộp (cadre_a)", the
    fields an edit names ("edited by cadre_a: necessity") by `model`'s labels; what no label names
    is shown as it was written."""
    if not reason:
        return ""
    found = BY.match(reason)
    what, who, rest = (found["what"], found["who"], found["rest"] or "") if found else (reason, "", "")
    label = REASONS.get(what) or ACTION_LABELS.get(what)
    if label is None:
        return reason
    if rest and model is not None:
        names = [name.strip() for name in rest[1:].split(",")]
        rest = ": " + ", ".join(_field_label(model, name) for name in names)
    return f"{label} ({who}){rest}" if who else str(label)


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # not a field's name: shown as written
        return name


def readable(field: models.Field, value: Any) -> Any:
    """A changed value as the pages show it."""
    if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
        return "—"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if field.name.endswith("_vnd") and isinstance(value, int | Decimal):
        return money(value)
    return value


class ReadableChanges(HistoricalRecordContextHelper):
    """simple-history's helper for a history row's changes, each value made `readable`."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return readable(self.model._meta.get_field(change.field), value)


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of a model with history: its "History" page reads as the portal's pages do."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)
