"""The list behind a number of the report: the rows one figure counts (`sources.drill`), each as a
line with its link, title, unit, state and date, in the reader's language."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Line:
    url: str
    title: str
    unit: str
    state: str
    day: datetime.date | None


def _day(moment) -> datetime.date | None:
    return timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment


def _proposal(p) -> Line:
    return Line(
        p.get_absolute_url(),
        p.title,
        p.unit.name,
        p.get_status_display(),
        p.received_on or _day(p.created_at),
    )


def _pilot(p) -> Line:
    return Line(p.get_absolute_url(), p.proposal.title, p.unit.name, p.get_status_display(), p.start_date)


def _report(r) -> Line:
    title = f"{r.pilot.proposal.title} · {r.period_start:%d/%m/%Y}–{r.period_end:%d/%m/%Y}"
    return Line(r.pilot.get_absolute_url(), title, r.pilot.unit.name, r.get_status_display(), r.due_date)


def _case(c) -> Line:
    title = f"{c.get_kind_display()} · {c.proposal.title}"
    return Line(c.get_absolute_url(), title, c.unit.name, c.get_status_display(), _day(c.opened_at))


def _reward(r) -> Line:
    url = reverse("person-record", args=[r.cadre.username])
    title = f"{r.get_kind_display()} · {r.cadre.full_name} · {r.decision_ref}"
    return Line(url, title, r.pilot.unit.name, r.pilot.proposal.title, r.decided_on)


def _model(m) -> Line:
    return Line(m.get_absolute_url(), m.title, m.unit.name, m.get_field_display(), m.published_on)


def _institutionalisation(i) -> Line:
    title = f"{i.document_kind} · {i.model.title}"
    state = f"{i.get_status_display()} {i.document_number}".strip()
    return Line(i.get_absolute_url(), title, i.drafting_agency, state, i.issued_on or _day(i.proposed_at))


def _obstacle(o) -> Line:
    url = reverse("obstacle-detail", args=[o.pk])
    title = f"{o.get_kind_display()} · {o.pilot.proposal.title}"
    return Line(url, title, o.pilot.unit.name, o.get_status_display(), _day(o.raised_at))


def _urging(u) -> Line:
    return Line(u.get_absolute_url(), _("Urging of %(unit)s") % {"unit": u.unit.name}, u.unit.name,
                u.get_status_display(), _day(u.sent_at))  # fmt: skip


# source → (related rows to load with it, how a row reads)
LINES = {
    "proposals": (["unit"], _proposal),
    "adoptions": (["unit"], _proposal),
    "pilots": (["unit", "proposal"], _pilot),
    "reports": (["pilot__unit", "pilot__proposal"], _report),
    "cases": (["unit", "proposal"], _case),
    "rewards": (["cadre", "pilot__unit", "pilot__proposal"], _reward),
    "models": (["unit"], _model),
    "institutionalisations": (["model"], _institutionalisation),
    "obstacles": (["pilot__unit", "pilot__proposal"], _obstacle),
    "urgings": (["unit"], _urging),
}


def ordered(source: str, rows: QuerySet) -> QuerySet:
    """The rows of `source` with what their lines read, newest first."""
    related, _line = LINES[source]
    return rows.select_related(*related).order_by("-pk")


def lines(source: str, rows) -> list[Line]:
    return [LINES[source][1](row) for row in rows]
