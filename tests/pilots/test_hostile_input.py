"""Hostile input to every pilot form and API endpoint (acceptance line 4).

Hypothesis throws random and hostile values at the API (create and every action) and at the
browser forms (new pilot and every action). Whatever comes in: never a 500; a refusal (4xx)
leaves no trace (the pilot row, its implementers, reports, indicators and corrective actions, and
the counts of pilots, reports, indicator values, inspections, corrective actions, plan versions,
transitions, cases, notifications, permissions and every history table are unchanged); what is
accepted is sane and done by someone allowed to; progress outside 0–100, an end before the start
and negative money are 400s naming the field; and stored text comes back escaped.

The clock stands still on a working day (TODAY). The `demo` fixture is function-scoped and shared
by all the examples of a test, so examples take their pilots from a pool rather than pay for a new
one each: after a refusal (verified to have changed nothing) or an accepted request, the pilot goes
back, filed under the state it is now in. Every example compares the database with its own
"before", so a pilot that already carries earlier examples' reports is as good a start as a new one.
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, Phase, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accountability.models import Case
from pilots import services
from pilots.models import (
    CorrectiveAction,
    Indicator,
    IndicatorValue,
    Inspection,
    Milestone,
    Pilot,
    PilotTransition,
    PilotUserObjectPermission,
    PlanVersion,
    ProgressReport,
)
from portal.models import Notification, RoleAssignment, User
from proposals.models import MAX_BUDGET_VND, Proposal
from tests.conftest import api_client_for
from tests.form_rows import indicator_rows as indicator_rows_of
from tests.form_rows import rows_data
from tests.pilots.conftest import pilot_body
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.campaign  # `make campaign` (long; .ci/run runs it)

examples = hypothesis_settings(
    max_examples=25,
    deadline=None,
    database=None,  # every run explores afresh and writes nothing into the project folder
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # No shrinking: each step would replay a request against pilots the pool has moved on, and
    # take long; the first failing example is reported as drawn.
    phases=[Phase.explicit, Phase.generate],
)

NOW = "2026-12-01 09:00 +07:00"  # a Tuesday, a working day
TODAY = datetime.date(2026, 12, 1)
DAY = datetime.timedelta(days=1)
TEXT_LIMIT = 20_000
INDICATORS = [
    {"name": "Thời gian xử lý hồ sơ", "unit": "ngày", "baseline": "45", "target": "15"},
    {"name": "Tỷ lệ hồ sơ trực tuyến", "unit": "%", "baseline": "10", "target": "80"},
]
NAMES = [item["name"] for item in INDICATORS]
STATES = ["planned", "active", "suspended", "terminated", "completed", "under_evaluation", "evaluated"]
PEOPLE = [
    "cadre_a", "cadre_a2", "head_a", "deputy_a", "cadre_b", "head_b", "inspector", "head_top", "orgcom",
    "admin",
]  # fmt: skip
# Fields a client may send but must never be able to set.
UNKNOWN_FIELDS = (
    "status", "outcome", "unit", "created_by", "results_report_due", "evaluation_due", "id", "mode",
    "proposal", "pilot", "implementers", "progress_percent", "evaluated_on", "is_superuser", "__proto__", "",
)  # fmt: skip

# --- Strategies -------------------------------------------------------------------------------

CONTROL = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x1f"])
MARKUP = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "</textarea><script>alert(document.cookie)</script>",
        "{{ 7|add:7 }}{% debug %}",
        "' OR 1=1 --",
        "&lt;b&gt;&amp;",
        "\u202etxt.exe",
        "\ud800",  # a lone surrogate: valid in JSON (as an escape), not encodable as UTF-8
        "a\udfffb",
    ]
)
LONG = st.builds(
    lambda char, length: char * length,
    st.sampled_from(["x", "ệ", "<", "\n", "🙂", " "]),
    st.sampled_from([64, 65, 255, 256, TEXT_LIMIT, TEXT_LIMIT + 1, 100_000]),
)
hostile_text = st.one_of(
    st.text(max_size=40),
    MARKUP,
    LONG,
    st.builds(lambda a, c, b: a + c + b, st.text(max_size=8), CONTROL, st.text(max_size=8)),
    st.sampled_from(["", "   \n\t ", "null", "None", "0", "true"]),
)
huge_numbers = st.one_of(
    st.integers(),
    st.sampled_from(
        [-1, 0, 100, 101, -101, MAX_BUDGET_VND, MAX_BUDGET_VND + 1, 2**31, 2**63, 10**15, 10**30]
    ),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, -0.0, 99.9, 1e308, 1e-308]),
)
wrong_types = st.one_of(
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from([[], {}, {"$gt": ""}, [[[]]], [None], {"name": "x"}]),
)
numeric_strings = st.sampled_from(
    [
        "1e10",
        "12abc",
        "1_000",
        " 42 ",
        "0x10",
        "NaN",
        "Infinity",
        "-0",
        "1" * 5000,
        "9" * 30,
        "١٢٣",
        "1.5",
        "²",
    ]
)
text_value = st.one_of(hostile_text, huge_numbers, wrong_types)
number_value = st.one_of(huge_numbers, numeric_strings, hostile_text, wrong_types)
bool_value = st.one_of(
    st.booleans(),
    st.sampled_from(["true", "false", "yes", "no", "on", "maybe", "1", "0", "", "TRUE", 2, -1]),
    wrong_types,
)
# Dates that do not parse, or parse to a day far from now. The edges of the calendar (year 9999)
# are left to test_an_end_date_at_the_edge_of_the_calendar_is_not_a_500: a plan from now to 9999
# first materialises ~95,000 reporting periods, minutes of work, before it fails.
EDGE_DATES = [
    "2027-02-30", "2027-13-01", "0000-00-00", "99999-01-01", "31/12/2027", "2027-1-1", "yesterday",
    "2027-01-01T00:00:00", "", "2027-01-01\x00", "2000-01-01", "2040-12-31", "2026-11-30", "2026-12-01",
]  # fmt: skip
date_value = st.one_of(
    st.dates(datetime.date(2000, 1, 1), datetime.date(2040, 12, 31)).map(str),
    st.sampled_from(EDGE_DATES),
    st.integers(),
    wrong_types,
    hostile_text,
)
near_date = st.dates(TODAY - 60 * DAY, TODAY + 400 * DAY).map(str)
future_date = st.dates(TODAY, TODAY + 120 * DAY).map(str)
form_date = st.one_of(
    near_date, near_date.map(lambda iso: datetime.date.fromisoformat(iso).strftime("%d/%m/%Y"))
)
money = st.integers(0, MAX_BUDGET_VND)
VALID_TEXT = st.sampled_from(["Báo cáo tháng 11: đạt 40%.", "Đồng ý", "ok", "<b>in đậm</b>"])
valid_number = st.one_of(
    st.integers(-(10**6), 10**6),
    st.decimals(-(10**6), 10**6, places=3, allow_nan=False, allow_infinity=False).map(str),
)
valid_values = st.lists(
    st.fixed_dictionaries({"name": st.sampled_from(NAMES), "value": valid_number}), max_size=2
)
hostile_values = st.one_of(
    st.lists(
        st.fixed_dictionaries({"name": st.one_of(st.sampled_from(NAMES), text_value), "value": number_value}),
        max_size=3,
    ),
    st.lists(text_value, max_size=2),
    wrong_types,
    text_value,
)
valid_indicators = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from([*NAMES, "Số hồ sơ giải quyết", "Mức hài lòng"]),
            "unit": st.sampled_from(["ngày", "%", ""]),
            "baseline": valid_number,
            "target": valid_number,
        }
    ),
    max_size=3,
    unique_by=lambda item: item["name"],
)
hostile_indicators = st.one_of(
    st.lists(
        st.fixed_dictionaries(
            {"name": text_value, "unit": text_value, "baseline": number_value, "target": number_value}
        ),
        max_size=3,
    ),
    st.lists(st.sampled_from(INDICATORS), min_size=2, max_size=3),  # the same name twice
    wrong_types,
    text_value,
)
usernames = st.one_of(
    st.lists(st.sampled_from([*PEOPLE, "nobody", "", "CADRE_A"]), max_size=4),
    st.lists(text_value, max_size=2),
    wrong_types,
    text_value,
)


def choice_value(*valid: str) -> st.SearchStrategy:
    return st.one_of(st.sampled_from([*valid, *(v.upper() for v in valid), ""]), text_value)


class Raw:
    """A raw request body, printed short in Hypothesis' reports."""

    def __init__(self, label: str, body: bytes) -> None:
        self.label, self.body = label, body

    def __repr__(self) -> str:
        return f"Raw({self.label!r})"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


RAW = [
    Raw("empty", b""),
    Raw("truncated", b"{"),
    Raw("a list", b"[1, 2]"),
    Raw("a string", b'"summary"'),
    Raw("null", b"null"),
    Raw("not UTF-8", b"\xff\xfe\x00garbage"),
    Raw("a lone surrogate", b'{"summary": "\\ud800", "reason": "\\ud800", "findings": "\\udfff"}'),
    Raw("NaN", b'{"progress_percent": NaN, "budget_vnd": NaN, "damage_vnd": NaN}'),
    Raw("1e999", b'{"progress_percent": 1e999, "budget_vnd": 1e999, "spending_vnd": 1e999}'),
    Raw("a duplicate key", b'{"reason": "first", "reason": "second"}'),
    Raw("50,000 nested lists", b"[" * 50_000 + b"]" * 50_000),
    Raw("5,000 nested objects", b'{"a": ' * 5_000 + b"1" + b"}" * 5_000),
]
RAW_BODIES = st.sampled_from(RAW)


def as_date(value: str) -> datetime.date:
    """A valid date as the strategies above write it: ISO or dd/mm/yyyy."""
    if "/" in value:
        return datetime.datetime.strptime(value, "%d/%m/%Y").date()
    return datetime.date.fromisoformat(value)


def body_for(spec: dict[str, tuple[st.SearchStrategy, st.SearchStrategy]]) -> st.SearchStrategy:
    """A body: every field valid, then up to three made hostile or left out, plus fields nobody
    may set. A valid start and end come in order, but one time in four the other way round."""

    @st.composite
    def build(draw) -> dict[str, Any]:
        data = {name: draw(valid) for name, (valid, _hostile) in spec.items()}
        if "start_date" in data and "end_date" in data:
            ordered = sorted([data["start_date"], data["end_date"]], key=as_date)
            if draw(st.integers(0, 3)) == 0:
                ordered.reverse()
            data["start_date"], data["end_date"] = ordered
        if spec:
            for name in draw(st.lists(st.sampled_from(sorted(spec)), unique=True, max_size=3)):
                if draw(st.booleans()):
                    data[name] = draw(spec[name][1])
                else:
                    del data[name]
        unknown = [name for name in UNKNOWN_FIELDS if name not in spec]
        for name in draw(st.lists(st.sampled_from(unknown), unique=True, max_size=2)):
            data[name] = draw(st.one_of(st.sampled_from(["evaluated", "admin", 100, True]), text_value))
        return data

    return build()


TEXT = (VALID_TEXT, text_value)
INDICATOR_VALUES = (valid_values, hostile_values)
FREQUENCY = (st.sampled_from(["monthly", "quarterly"]), choice_value("monthly", "quarterly"))
OUTCOME = (st.sampled_from(Pilot.Outcome.values), choice_value(*Pilot.Outcome.values))
API_BODIES: dict[str, dict] = {
    "reports": {
        "period_end": (near_date, date_value),
        "summary": TEXT,
        "progress_percent": (st.integers(0, 100), number_value),
        "indicator_values": INDICATOR_VALUES,
        "spending_vnd": (money, number_value),
        "issues": TEXT,
    },
    "review": {"accept": (st.booleans(), bool_value), "note": TEXT},
    "inspections": {
        "findings": TEXT,
        "severity": (st.sampled_from(["none", "minor", "major"]), choice_value("none", "minor", "major")),
        "corrective_actions": (st.one_of(VALID_TEXT, st.just("")), text_value),
        "due_date": (future_date, date_value),
    },
    "close": {"note": TEXT},
    "adjust": {
        "reason": TEXT,
        "start_date": (near_date, date_value),
        "end_date": (near_date, date_value),
        "report_frequency": FREQUENCY,
        "budget_vnd": (money, number_value),
        "resources": TEXT,
        "scope": TEXT,
        "indicators": (valid_indicators, hostile_indicators),
    },
    "suspend": {"reason": TEXT},
    "resume": {"reason": TEXT},
    "terminate": {"reason": TEXT},
    "complete": {},
    "results-report": {"summary": TEXT, "indicator_values": INDICATOR_VALUES},
    "evaluate": {
        "outcome": OUTCOME,
        "damage": (st.booleans(), bool_value),
        "damage_vnd": (money, number_value),
        "objective_causes": TEXT,
        "subjective_causes": TEXT,
        "party_opinion": TEXT,
        "indicator_values": INDICATOR_VALUES,
    },
}
CREATE_BODY = {
    "start_date": (near_date, date_value),
    "end_date": (near_date, date_value),
    "report_frequency": FREQUENCY,
    "budget_vnd": (money, number_value),
    "resources": TEXT,
    "scope": TEXT,
    "implementers": (st.lists(st.sampled_from(["cadre_a", "cadre_a2"]), min_size=1), usernames),
    "indicators": (valid_indicators, hostile_indicators),
}

# action (API path) → (state it starts from, who does it, the rule it is checked against)
ACTIONS = {
    "reports": ("active", "cadre_a", "report"),
    "review": ("active", "head_a", None),
    "inspections": ("active", "inspector", "inspect"),
    "close": ("active", "inspector", None),
    "adjust": ("active", "head_a", "adjust"),
    "suspend": ("active", "head_a", "suspend"),
    "resume": ("suspended", "head_a", "resume"),
    "terminate": ("active", "head_a", "terminate"),
    "complete": ("active", "cadre_a", "complete"),
    "results-report": ("completed", "cadre_a", "results_report"),
    "evaluate": ("under_evaluation", "head_a", "evaluate"),
}
# Who may do what at all: an accepted request by anybody else is a permission bug.
ALLOWED = {
    "reports": {"cadre_a", "cadre_a2"},
    "complete": {"cadre_a", "cadre_a2"},
    "results-report": {"cadre_a", "cadre_a2"},
    "inspections": {"inspector"},
    "close": {"inspector", "head_a"},
}  # every other action: head_a only


# Wrong states to try each action in (409): few, so that few pilots need building.
WRONG_STATES = {
    "resume": ["active", "terminated", "evaluated"],
    "results-report": ["active", "under_evaluation", "terminated"],  # terminated → a results report too
    "evaluate": ["completed", "evaluated", "active"],
}


@st.composite
def situations(draw, action: str) -> tuple[str, str]:
    """Mostly the right state and actor; sometimes the wrong ones (409, 403, 404)."""
    state, actor, _rule = ACTIONS[action]
    wrong = WRONG_STATES.get(action, ["planned", "suspended", "evaluated"])
    return draw(st.sampled_from([state] * 5 + wrong)), draw(st.sampled_from([actor] * 5 + PEOPLE))


# --- Pilots to work on --------------------------------------------------------------------------


@dataclass
class Built:
    pilot: Pilot
    submitted_report: int | None  # a submitted report, waiting for review (none while planned)
    due_report: int  # a report still due
    open_action: int  # a corrective action still open
    closed_action: int | None  # a corrective action already closed (when asked for)


def build(people: dict[str, User], state: str, proposal: Proposal, *, closed_action: bool = False) -> Built:
    """An approved proposal of cadre_a made a pilot by head_a (implementers cadre_a and cadre_a2),
    with a submitted report and an open corrective action, walked to `state`."""
    head, cadre, inspector = people["head_a"], people["cadre_a"], people["inspector"]
    start = TODAY + 30 * DAY if state == "planned" else TODAY - 31 * DAY
    pilot = services.pilot_create(
        actor=head, proposal=proposal, start_date=start, end_date=start + 180 * DAY, budget_vnd=500_000_000,
        resources="2 cán bộ", implementers=[cadre, people["cadre_a2"]], indicators=INDICATORS,
    )  # fmt: skip
    submitted = None
    if state != "planned":
        submitted = services.report_submit(
            actor=cadre, pilot=pilot, period_end=TODAY - DAY, summary="Tháng 11", progress_percent=20,
            indicator_values=[{"name": NAMES[0], "value": 40}],
        ).pk  # fmt: skip
    due = pilot.reports.filter(status=ProgressReport.Status.DUE).order_by("period_end").first()
    actions = []
    for days in (10, 5) if closed_action else (10,):
        inspection = services.inspection_record(
            actor=inspector, pilot=pilot, findings="Chậm tiến độ", severity="minor",
            corrective_actions="Bổ sung nhân lực", due_date=TODAY + days * DAY,
        )  # fmt: skip
        actions.append(inspection.actions.get())
    if closed_action:
        services.corrective_action_close(actor=inspector, action=actions[1], note="Đã bổ sung.")
    if state == "suspended":
        services.pilot_suspend(actor=head, pilot=pilot, reason="Tạm dừng để rà soát")
    if state == "terminated":
        services.pilot_terminate(actor=head, pilot=pilot, reason="Không hiệu quả")
    if state in ("completed", "under_evaluation", "evaluated"):
        services.pilot_complete(actor=cadre, pilot=pilot)
    if state in ("under_evaluation", "evaluated"):
        services.pilot_results_report(actor=cadre, pilot=pilot, summary="Đạt mục tiêu")
    if state == "evaluated":
        services.pilot_evaluate(
            actor=head, pilot=pilot, outcome="completed", damage=False, objective_causes="",
            subjective_causes="", party_opinion="Đồng ý",
        )  # fmt: skip
    pilot = Pilot.objects.get(pk=pilot.pk)
    assert pilot.status == state
    closed = actions[1].pk if closed_action else None
    return Built(pilot, submitted, due.pk, actions[0].pk, closed)


class Pool:
    """Pilots and proposals by state, a logged-in browser per person, and the last snapshot a
    refusal was verified against (the next request's "before", if nothing was written since)."""

    def __init__(self, people: dict[str, User]) -> None:
        self.people = people
        self.spare: dict[str, list] = {}
        self.browsers: dict[str, Client] = {}
        self.closed_actions = False  # build pilots with a closed corrective action too
        self.template: Proposal | None = None
        self.verified: tuple[int | None, dict] | None = None

    def before(self, pk: int | None) -> dict[str, Any]:
        verified, self.verified = self.verified, None
        return verified[1] if verified and verified[0] == pk else snapshot(pk)

    def take(self, state: str) -> Built:
        if self.spare.get(state):
            return self.spare[state].pop()
        return build(self.people, state, self.approved(), closed_action=self.closed_actions)

    def approved(self) -> Proposal:
        """A proposal of cadre_a approved by head_a: the first through the services, the others
        copies of its row (a pilot needs a proposal of its own; the services take 4 steps)."""
        self.verified = None  # anything built from here on changes the counts
        if self.template is None:
            self.template = make_proposal(self.people["cadre_a"], "approved")
            return self.template
        row = Proposal.objects.filter(pk=self.template.pk).values().first()
        del row["id"]
        return Proposal.objects.create(**row)

    def proposal(self, state: str) -> Proposal:
        """A proposal in `state`, or (`has_pilot`) an approved one that already has its pilot."""
        key = f"proposal:{state}"
        if self.spare.get(key):
            return self.spare[key].pop()
        if state == "has_pilot":
            return self.take("active").pilot.proposal
        if state == "approved":
            return self.approved()
        self.verified = None
        return make_proposal(self.people["cadre_a"], state)

    def give_back(self, key: str, thing: Built | Proposal, response) -> None:
        """A refused proposal goes back as it was. A pilot goes back after any answer but a 500,
        filed under the state it is now in, if it still has all a Built names."""
        if isinstance(thing, Proposal):
            if 400 <= response.status_code < 500:
                self.spare.setdefault(key, []).append(thing)
        elif response.status_code < 500 and (built := self.refresh(thing)):
            self.spare.setdefault(built.pilot.status, []).append(built)

    def refresh(self, built: Built) -> Built | None:
        pilot = Pilot.objects.get(pk=built.pilot.pk)
        reports = pilot.reports.order_by("period_end", "pk").values_list("pk", flat=True)
        actions = (
            CorrectiveAction.objects.filter(inspection__pilot=pilot)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        submitted = reports.filter(status=ProgressReport.Status.SUBMITTED).first()
        due = reports.filter(status=ProgressReport.Status.DUE).first()
        open_action = actions.filter(closed_on__isnull=True).first()
        closed_action = actions.filter(closed_on__isnull=False).first()
        if due is None or open_action is None or (submitted is None and pilot.status != Pilot.Status.PLANNED):
            return None
        if self.closed_actions and closed_action is None:
            return None
        return Built(pilot, submitted, due, open_action, closed_action)

    def forget(self, proposal_pk: int) -> None:
        for key, things in self.spare.items():
            if key.startswith("proposal:"):
                self.spare[key] = [thing for thing in things if thing.pk != proposal_pk]

    def other(self) -> Built:
        """Another pilot, never changed: its reports and actions are not this pilot's (404)."""
        if "other" not in self.spare:
            self.spare["other"] = [build(self.people, "active", self.approved(), closed_action=True)]
        return self.spare["other"][0]

    def browser(self, username: str) -> Client:
        if username not in self.browsers:
            self.browsers[username] = browser(self.people[username])
        return self.browsers[username]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(demo) -> dict[str, User]:
    """The demo people, their roles held since long before any date the tests travel to."""
    RoleAssignment.objects.update(started_on=datetime.date(2020, 1, 1))
    return {user.username: user for user in User.objects.select_related("unit")}


@pytest.fixture
def pool(frozen, people) -> Pool:
    return Pool(people)


# --- Helpers ----------------------------------------------------------------------------------

COUNTED = [
    Pilot, ProgressReport, IndicatorValue, Indicator, Inspection, CorrectiveAction, PlanVersion,
    PilotTransition, Milestone, Case, Notification, PilotUserObjectPermission, Proposal,
]  # fmt: skip
WITH_HISTORY = [Pilot, ProgressReport, Indicator, Inspection, CorrectiveAction, Milestone, Case, Proposal]


@functools.cache
def counted_tables() -> dict[str, str]:
    tables = {model.__name__: model._meta.db_table for model in COUNTED}
    return tables | {f"history of {m.__name__}": m.history.model._meta.db_table for m in WITH_HISTORY}


def counts() -> dict[str, int]:
    """Rows in every table a pilot request may write to, and in their history tables (one query)."""
    tables = counted_tables()
    quote = connection.ops.quote_name  # table names from the models, not from input
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables.values())
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def snapshot(pk: int | None) -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    return {
        "pilot": Pilot.objects.filter(pk=pk).values().first() if pk else None,
        "implementers": sorted(
            Pilot.implementers.through.objects.filter(pilot_id=pk).values_list("user_id", flat=True)
        ),
        "reports": list(ProgressReport.objects.filter(pilot_id=pk).order_by("pk").values()),
        "indicators": list(Indicator.objects.filter(pilot_id=pk).order_by("pk").values()),
        "actions": list(CorrectiveAction.objects.filter(inspection__pilot_id=pk).order_by("pk").values()),
        "counts": counts(),
    }


def has_control_characters(value: str) -> bool:
    return any((ord(ch) < 32 and ch not in "\t\n\r") or ch == "\x7f" for ch in value)


def assert_clean_text(value: str, what: str, limit: int = TEXT_LIMIT) -> None:
    assert len(value) <= limit, what
    assert not has_control_characters(value), (what, value[:100])


def assert_sane(pilot: Pilot) -> None:
    """What any accepted input may leave in a pilot."""
    pilot = Pilot.objects.get(pk=pilot.pk)
    assert pilot.status in Pilot.Status.values
    assert pilot.end_date >= pilot.start_date
    assert 0 <= pilot.progress_percent <= 100
    assert 0 <= pilot.budget_vnd <= MAX_BUDGET_VND
    assert pilot.damage_vnd is None or 0 <= pilot.damage_vnd <= MAX_BUDGET_VND
    assert pilot.outcome in ("", *Pilot.Outcome.values)
    assert pilot.report_frequency in Pilot.Frequency.values
    for name in ("resources", "scope", "results_summary", "objective_causes", "subjective_causes"):
        assert_clean_text(getattr(pilot, name), name)
    assert_clean_text(pilot.evaluation_party_opinion, "party opinion")
    assert pilot.implementers.exists()
    assert all(person.is_active for person in pilot.implementers.all())
    for indicator in pilot.indicators.all():
        assert_clean_text(indicator.name, "indicator name", 255)
        assert indicator.name.strip()
        assert_clean_text(indicator.unit, "indicator unit", 64)
        for number in (indicator.baseline, indicator.target, indicator.actual):
            assert number is None or abs(number) < Decimal("1e15")
    for value in IndicatorValue.objects.filter(indicator__pilot=pilot):
        assert abs(value.value) < Decimal("1e15")
    for report in pilot.reports.all():
        assert report.period_end >= report.period_start
        assert report.progress_percent is None or 0 <= report.progress_percent <= 100
        assert report.spending_vnd is None or 0 <= report.spending_vnd <= MAX_BUDGET_VND
        for name in ("summary", "issues", "review_note"):
            assert_clean_text(getattr(report, name), f"report {name}")
        if report.status != ProgressReport.Status.DUE:
            assert report.summary.strip()
    for inspection in pilot.inspections.all():
        assert inspection.severity in Inspection.Severity.values
        assert_clean_text(inspection.findings, "findings")
        assert inspection.findings.strip()
        for action in inspection.actions.all():
            assert_clean_text(action.description, "corrective action")
            assert_clean_text(action.closing_note, "closing note")
    for note in pilot.transitions.values_list("note", flat=True):
        assert_clean_text(note, "transition note", TEXT_LIMIT + 200)


def assert_refusal_left_no_trace(response, before: dict[str, Any], pk: int | None, pool: Pool) -> None:
    event(f"HTTP {response.status_code}")  # pytest --hypothesis-show-statistics shows the mix
    assert response.status_code < 500, response.content[:2000]
    if 400 <= response.status_code < 500:
        after = snapshot(pk)
        assert after == before
        pool.verified = (pk, after)


def send_json(client, url: str, body: dict[str, Any] | Raw):
    raw = body.body if isinstance(body, Raw) else json.dumps(body).encode()
    return client.generic("POST", url, raw, content_type="application/json")


def form_value(value: Any) -> Any:
    """A JSON-ish value as a browser could send it: strings, or several values for one name."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [item if isinstance(item, str) else json.dumps(item) for item in value] or ""
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def raw_bytes(text: str) -> bytes:
    # A lone surrogate goes out as the bytes a careless client would send (invalid UTF-8).
    return text.encode("utf-8", "surrogatepass")


def post_form(client: Client, url: str, data: dict[str, Any]):
    """POST url-encoded like a browser form, byte for byte (the test client refuses surrogates)."""
    pairs = [
        (raw_bytes(name), raw_bytes(item))
        for name, value in ((name, form_value(value)) for name, value in data.items())
        for item in (value if isinstance(value, list) else [value])
    ]
    return client.post(url, urlencode(pairs), content_type="application/x-www-form-urlencoded")


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_url(pilot_pk: int, action: str, target: int | str | None = None) -> str:
    if action == "review":
        return f"/api/v1/pilots/{pilot_pk}/reports/{target}/review/"
    if action == "close":
        return f"/api/v1/pilots/{pilot_pk}/corrective-actions/{target}/close/"
    return f"/api/v1/pilots/{pilot_pk}/{action}/"


def target_id(data, built: Built, pool: Pool, action: str, *, browser_form: bool) -> Any:
    """The report (review) or corrective action (close) a request names: mostly the right one."""
    if action == "review":
        right = built.submitted_report or built.due_report
        wrong = [built.due_report, pool.other().submitted_report, 0, 999_999_999_999_999_999]
    else:
        right = built.open_action
        wrong = [built.closed_action, pool.other().open_action, 0, 999_999_999_999_999_999]
    choices = [right] * 4 + wrong
    if browser_form:  # a form's hidden field may carry anything at all
        odd = ["", "abc", "-1", " 1", "1.0", "9" * 30, "١", "²", "¹²"]
        return data.draw(st.one_of(st.sampled_from(choices).map(str), st.sampled_from(odd), text_value))
    return data.draw(st.sampled_from(choices))


def check_accepted(action: str, actor: str, before: dict, built: Built) -> None:
    """An accepted action: by someone allowed, to the state the rules lead to, recorded once."""
    pilot = Pilot.objects.get(pk=built.pilot.pk)
    assert actor in ALLOWED.get(action, {"head_a"}), (action, actor)
    rule = ACTIONS[action][2]
    to_status = Pilot.TRANSITIONS[rule][1] if rule else None
    assert pilot.status == (to_status or before["pilot"]["status"])
    after = counts()
    assert after["PilotTransition"] == before["counts"]["PilotTransition"] + 1
    row = Pilot.objects.filter(pk=pilot.pk).values().first()
    for name in ("proposal_id", "unit_id", "mode", "created_by_id", "created_at"):
        assert row[name] == before["pilot"][name], name
    if action != "reports":
        assert row["progress_percent"] == before["pilot"]["progress_percent"]
    if action == "adjust":
        assert row["outcome"] == before["pilot"]["outcome"]
        assert after["PlanVersion"] == before["counts"]["PlanVersion"] + 1
    if action == "review":
        report = ProgressReport.objects.get(pk=built.submitted_report)
        assert report.status in (ProgressReport.Status.ACCEPTED, ProgressReport.Status.CORRECTION)
    if action == "close":
        assert CorrectiveAction.objects.get(pk=built.open_action).closed_on == TODAY
    if action == "evaluate":
        assert Case.objects.filter(pilot=pilot).exists() == (pilot.outcome != "completed")
    assert_sane(pilot)


# --- The API ----------------------------------------------------------------------------------

PROPOSAL_STATES = ["approved"] * 5 + ["approved_by_head", "submitted", "has_pilot"]


@st.composite
def create_bodies(draw, proposal_pk: int) -> dict[str, Any] | Raw:
    if draw(st.integers(0, 9)) == 0:
        return draw(RAW_BODIES)
    body = draw(body_for(CREATE_BODY))
    kind = draw(st.sampled_from(["right"] * 6 + ["hostile", "missing"]))
    if kind == "right":
        body["proposal"] = proposal_pk
    elif kind == "hostile":
        body["proposal"] = draw(st.one_of(number_value, st.sampled_from([0, -1, 2**63 - 1])))
    return body


@examples
@given(data=st.data())
def test_api_create_survives_hostile_input_and_makes_only_sane_pilots(pool, people, data):
    state = data.draw(st.sampled_from(PROPOSAL_STATES))
    actor = data.draw(st.sampled_from(["head_a"] * 5 + PEOPLE))
    proposal = pool.proposal(state)
    body = data.draw(create_bodies(proposal.pk))
    before = pool.before(None)
    response = send_json(api_client_for(people[actor]), "/api/v1/pilots/", body)
    assert_refusal_left_no_trace(response, before, None, pool)
    pool.give_back(f"proposal:{state}", proposal, response)
    if response.status_code == 201:
        pilot = Pilot.objects.select_related("proposal__reviewer_unit").get(pk=response.json()["id"])
        pool.forget(pilot.proposal_id)  # a hostile id may have named another proposal of the pool
        assert actor == "head_a"
        assert pilot.proposal.status in ("approved", "approved_by_head")
        assert pilot.proposal.reviewer_unit.code == "SKHDT"
        assert pilot.status == ("planned" if pilot.start_date > TODAY else "active")
        assert response.json()["status"] == pilot.status
        assert snapshot(None)["counts"]["Pilot"] == before["counts"]["Pilot"] + 1
        assert pilot.versions.count() == 1
        assert pilot.reports.count() >= 1
        assert_sane(pilot)


@pytest.mark.parametrize("action", list(ACTIONS))
@examples
@given(data=st.data())
def test_api_actions_survive_hostile_input(pool, people, action, data):
    pool.closed_actions = action == "close"
    state, actor = data.draw(situations(action))
    built = pool.take(state)
    target = (
        target_id(data, built, pool, action, browser_form=False) if action in ("review", "close") else None
    )
    body = data.draw(st.one_of(body_for(API_BODIES[action]), body_for(API_BODIES[action]), RAW_BODIES))
    before = pool.before(built.pilot.pk)
    response = send_json(api_client_for(people[actor]), api_url(built.pilot.pk, action, target), body)
    assert_refusal_left_no_trace(response, before, built.pilot.pk, pool)
    pool.give_back(state, built, response)
    if response.status_code in (200, 201):
        check_accepted(action, actor, before, built)


def test_every_api_endpoint_survives_malformed_json_bodies(pool, people):
    """Each raw body to each endpoint, by the person who may use it, on a pilot in the right
    state: a 4xx that leaves no trace (or, for `complete`, which reads no body, a 200)."""
    answers = {}
    for endpoint in ["create", *ACTIONS]:
        for raw in RAW if endpoint != "complete" else RAW[-3:]:  # `complete` reads no body
            if endpoint == "create":
                built, pk, url, actor = None, None, "/api/v1/pilots/", "head_a"
            else:
                state, actor, _rule = ACTIONS[endpoint]
                built = pool.take(state)
                target = built.submitted_report if endpoint == "review" else built.open_action
                pk, url = built.pilot.pk, api_url(built.pilot.pk, endpoint, target)
            before = pool.before(pk)
            try:
                response = send_json(api_client_for(people[actor]), url, raw)
            except Exception as error:  # reported below, with the other answers
                answers[(endpoint, raw.label)] = f"{type(error).__name__}: {str(error)[:80]}"
                continue
            answers[(endpoint, raw.label)] = response.status_code
            if 400 <= response.status_code < 500:
                pool.verified = (pk, snapshot(pk))
                assert pool.verified[1] == before, (endpoint, raw.label)
                if built:
                    pool.give_back(state, built, response)
    failures = {key: code for key, code in answers.items() if not (isinstance(code, int) and code < 500)}
    assert not failures, failures


# --- The browser forms ------------------------------------------------------------------------

FORM_ACTIONS = {  # the page's action → the API's name for it
    "report": "reports",
    "review": "review",
    "inspect": "inspections",
    "close-action": "close",
    "adjust": "adjust",
    "suspend": "suspend",
    "resume": "resume",
    "terminate": "terminate",
    "complete": "complete",
    "results-report": "results-report",
    "evaluate": "evaluate",
}
FORM_BODIES: dict[str, dict] = {
    "report": {
        "period_end": (form_date, date_value),
        "progress_percent": (st.integers(0, 100), number_value),
        "summary": TEXT,
        "spending_vnd": (money, number_value),
        "issues": TEXT,
    },
    "review": {"accept": (st.sampled_from(["true", "false"]), bool_value), "note": TEXT},
    "inspect": API_BODIES["inspections"],
    "close-action": {"note": TEXT},
    "adjust": {
        "reason": TEXT,
        "start_date": (form_date, date_value),
        "end_date": (form_date, date_value),
        "report_frequency": FREQUENCY,
        "budget_vnd": (money, number_value),
        "resources": TEXT,
        "scope": TEXT,
    },
    "suspend": {"reason": TEXT},
    "resume": {"reason": TEXT},
    "terminate": {"reason": TEXT},
    "complete": {},
    "results-report": {"summary": TEXT},
    "evaluate": {
        "party_opinion": TEXT,
        "outcome": OUTCOME,
        "damage": (st.sampled_from(["on", ""]), bool_value),
        "damage_vnd": (money, number_value),
        "objective_causes": TEXT,
        "subjective_causes": TEXT,
    },
}
WITH_INDICATORS = {"report", "results-report", "evaluate"}


@st.composite
def indicator_rows(draw) -> dict[str, str]:
    """The new-pilot form's indicators: rows of a table (a Django formset), its management form
    sometimes tampered with."""
    rows = draw(
        st.lists(
            st.one_of(
                st.tuples(st.sampled_from(NAMES), st.just("ngày"), valid_number, valid_number),
                st.tuples(text_value, text_value, number_value, number_value),
                st.tuples(st.just(""), st.just(""), st.just(""), st.just("")),
                st.tuples(
                    st.just("x"), st.just("y"), st.sampled_from(["NaN", "1e400", "1,5", "-0"]), st.just("2")
                ),
            ),
            max_size=3,
        )
    )
    data = rows_data("indicators", [
        dict(zip(("name", "unit", "baseline", "target"), (form_value(part) for part in row), strict=True))
        for row in rows
    ])  # fmt: skip
    if draw(st.booleans()):
        data["indicators-TOTAL_FORMS"] = draw(st.sampled_from(["", "x", "-1", "100000", "2", "9" * 30]))
    return data


CREATE_FORM = {
    "start_date": (form_date, date_value),
    "end_date": (form_date, date_value),
    "report_frequency": FREQUENCY,
    "budget_vnd": (money, number_value),
    "resources": TEXT,
    "implementers": (st.sampled_from(["", "cadre_a", "cadre_a, cadre_a2", "cadre_a2,cadre_a2"]), text_value),
    "indicators": (indicator_rows(), text_value),
}


@examples
@given(data=st.data())
def test_the_new_pilot_form_survives_hostile_input(pool, people, data):
    state = data.draw(st.sampled_from(PROPOSAL_STATES))
    actor = data.draw(st.sampled_from(["head_a"] * 5 + PEOPLE))
    proposal = pool.proposal(state)
    body = data.draw(body_for(CREATE_FORM))
    if isinstance(body.get("indicators"), dict):
        body.update(body.pop("indicators"))
    before, existing = pool.before(None), set(Pilot.objects.values_list("pk", flat=True))
    response = post_form(pool.browser(actor), f"/pilots/new/{proposal.pk}/", body)
    assert_refusal_left_no_trace(response, before, None, pool)
    created = Pilot.objects.exclude(pk__in=existing)
    if response.status_code == 302 and created.exists():
        pilot = created.get()
        assert pilot.proposal_id == proposal.pk
        assert response["Location"] == pilot.get_absolute_url()
        assert actor == "head_a" and state in ("approved", "approved_by_head")
        assert snapshot(None)["counts"]["Pilot"] == before["counts"]["Pilot"] + 1
        assert pilot.status == ("planned" if pilot.start_date > TODAY else "active")
        assert_sane(pilot)
    else:  # refused: a 4xx, or back to the proposal with a message (a 409 in the API)
        assert response.status_code != 302 or response["Location"] == proposal.get_absolute_url()
        assert snapshot(None) == before
        pool.give_back(f"proposal:{state}", proposal, response)


@pytest.mark.parametrize("action", list(FORM_ACTIONS))
@examples
@given(data=st.data())
def test_the_action_forms_survive_hostile_input(pool, people, action, data):
    api_action = FORM_ACTIONS[action]
    pool.closed_actions = action == "close-action"
    state, actor = data.draw(situations(api_action))
    built = pool.take(state)
    body = data.draw(body_for(FORM_BODIES[action]))
    if action == "review":
        body["report"] = target_id(data, built, pool, api_action, browser_form=True)
    if action == "close-action":
        body["action"] = target_id(data, built, pool, api_action, browser_form=True)
    if action in WITH_INDICATORS:
        for indicator in built.pilot.indicators.all():
            kind = data.draw(st.sampled_from(["valid", "hostile", "missing"]))
            if kind != "missing":
                body[f"indicator_{indicator.pk}"] = data.draw(
                    valid_number if kind == "valid" else number_value
                )
    before = pool.before(built.pilot.pk)
    response = post_form(pool.browser(actor), f"/pilots/{built.pilot.pk}/{action}/", body)
    assert_refusal_left_no_trace(response, before, built.pilot.pk, pool)
    pool.give_back(state, built, response)
    if response.status_code == 302:
        assert response["Location"] == built.pilot.get_absolute_url()
        check_accepted(api_action, actor, before, built)


BROKEN_MULTIPART = b'--xyz\r\nContent-Disposition: form-data; name="reason"\r\n\r\nabc'
FORM_RAW = [
    ("broken multipart", BROKEN_MULTIPART, "multipart/form-data; boundary=xyz"),
    ("multipart without a boundary", b"garbage", "multipart/form-data"),
    ("JSON sent to a form", json.dumps({"reason": "x", "summary": "y"}).encode(), "application/json"),
    ("invalid UTF-8", b"reason=%ff%fe&summary=%ed%a0%80&note=%c0%af", "application/x-www-form-urlencoded"),
    ("an unknown charset", b"reason=abc", "application/x-www-form-urlencoded; charset=x-nonsense"),
    ("too many fields", b"&".join(b"f%d=1" % i for i in range(1_500)), "application/x-www-form-urlencoded"),
    ("a body over the memory limit", b"reason=" + b"x" * 2_700_000, "application/x-www-form-urlencoded"),
]  # fmt: skip


def test_every_form_survives_malformed_request_bodies(pool, people):
    answers = {}
    for endpoint in ["new", *FORM_ACTIONS]:
        for label, body, content_type in FORM_RAW if endpoint != "complete" else FORM_RAW[:3]:
            if endpoint == "new":
                state, actor, built = "proposal:approved", "head_a", None
                proposal = pool.proposal("approved")
                pk, url = None, f"/pilots/new/{proposal.pk}/"
            else:
                state, actor, _rule = ACTIONS[FORM_ACTIONS[endpoint]]
                built = pool.take(state)
                pk, url = built.pilot.pk, f"/pilots/{built.pilot.pk}/{endpoint}/"
            before = pool.before(pk)
            try:
                response = pool.browser(actor).generic("POST", url, body, content_type=content_type)
            except Exception as error:  # reported below, with the other answers
                answers[(endpoint, label)] = f"{type(error).__name__}: {str(error)[:80]}"
                continue
            answers[(endpoint, label)] = response.status_code
            if 400 <= response.status_code < 500:
                pool.verified = (pk, snapshot(pk))
                assert pool.verified[1] == before, (endpoint, label)
                pool.give_back(state, built or proposal, response)
    failures = {key: code for key, code in answers.items() if not (isinstance(code, int) and code < 500)}
    assert not failures, failures


# --- Clear errors, field by field ---------------------------------------------------------------

API_ERRORS = [  # (action, state, actor, change to a valid body, the field the 400 must name)
    ("create", None, "head_a", {"budget_vnd": -1}, "budget_vnd"),
    ("create", None, "head_a", {"start_date": "2027-05-31", "end_date": "2027-01-01"}, "end_date"),
    ("reports", "active", "cadre_a", {"progress_percent": -1}, "progress_percent"),
    ("reports", "active", "cadre_a", {"progress_percent": 101}, "progress_percent"),
    ("reports", "active", "cadre_a", {"progress_percent": 1000}, "progress_percent"),
    ("reports", "active", "cadre_a", {"spending_vnd": -5}, "spending_vnd"),
    ("adjust", "active", "head_a", {"start_date": "2027-06-01", "end_date": "2027-01-01"}, "end_date"),
    ("adjust", "active", "head_a", {"end_date": "2026-10-01"}, "end_date"),  # before the current start
    ("adjust", "active", "head_a", {"budget_vnd": -1}, "budget_vnd"),
    ("evaluate", "under_evaluation", "head_a", {"damage": True, "damage_vnd": -1}, "damage_vnd"),
    ("evaluate", "under_evaluation", "head_a", {"damage": True}, "damage_vnd"),
]
VALID_API_BODIES = {
    "reports": {"period_end": "2026-11-30", "summary": "Tháng 11", "progress_percent": 40},
    "adjust": {"reason": "Điều chỉnh"},
    "evaluate": {
        "outcome": "partially_completed",
        "objective_causes": "Thiếu dữ liệu",
        "party_opinion": "Đồng ý",
    },
}


def test_out_of_range_input_is_a_400_naming_the_field_in_the_api(pool, people):
    wrong = {}
    for action, state, actor, change, field in API_ERRORS:
        if action == "create":
            pk, url, body = None, "/api/v1/pilots/", pilot_body(pool.proposal("approved").pk, **change)
        else:
            built = pool.take(state)
            pk, url, body = (
                built.pilot.pk,
                api_url(built.pilot.pk, action),
                {**VALID_API_BODIES[action], **change},
            )
        before = snapshot(pk)
        response = api_client_for(people[actor]).post(url, body, format="json")
        answer = response.json() if response.status_code == 400 else response.status_code
        if not (response.status_code == 400 and field in answer):
            wrong[(action, json.dumps(change))] = answer
        if 400 <= response.status_code < 500:
            assert snapshot(pk) == before, (action, change)
            if pk:
                pool.give_back(state, built, response)
    assert not wrong, wrong


FORM_ERRORS = [  # (action, state, actor, change to a valid form, the field the form must name)
    ("new", None, "head_a", {"budget_vnd": "-1"}, "budget_vnd"),
    ("new", None, "head_a", {"start_date": "31/05/2027", "end_date": "01/01/2027"}, "end_date"),
    ("report", "active", "cadre_a", {"progress_percent": "-1"}, "progress_percent"),
    ("report", "active", "cadre_a", {"progress_percent": "101"}, "progress_percent"),
    ("report", "active", "cadre_a", {"spending_vnd": "-5"}, "spending_vnd"),
    ("adjust", "active", "head_a", {"start_date": "01/06/2027", "end_date": "01/01/2027"}, "end_date"),
    ("adjust", "active", "head_a", {"budget_vnd": "-1"}, "budget_vnd"),
    ("evaluate", "under_evaluation", "head_a", {"damage": "on", "damage_vnd": "-1"}, "damage_vnd"),
    ("evaluate", "under_evaluation", "head_a", {"damage": "on", "damage_vnd": ""}, "damage_vnd"),
]
VALID_FORMS = {
    "new": {
        "start_date": "01/12/2026", "end_date": "31/05/2027", "report_frequency": "monthly",
        "budget_vnd": "500000000", "resources": "2 cán bộ", "implementers": "cadre_a, cadre_a2",
        **indicator_rows_of("Thời gian xử lý hồ sơ; ngày; 45; 15"),
    },
    "report": {"period_end": "30/11/2026", "summary": "Tháng 11", "progress_percent": "40"},
    "adjust": {
        "reason": "Điều chỉnh", "start_date": "31/10/2026", "end_date": "30/04/2027",
        "report_frequency": "monthly", "budget_vnd": "600000000",
    },
    "evaluate": {
        "party_opinion": "Đồng ý", "outcome": "partially_completed", "objective_causes": "Thiếu dữ liệu",
    },
}  # fmt: skip


def test_out_of_range_input_is_a_form_error_on_the_field(pool, people):
    wrong = {}
    for action, state, actor, change, field in FORM_ERRORS:
        body = {**VALID_FORMS[action], **change}
        if action == "new":
            pk, url = None, f"/pilots/new/{pool.proposal('approved').pk}/"
        else:
            built = pool.take(state)
            pk, url = built.pilot.pk, f"/pilots/{built.pilot.pk}/{action}/"
        before = snapshot(pk)
        response = pool.browser(actor).post(url, body)
        if response.status_code != 400:
            wrong[(action, json.dumps(change))] = response.status_code
            continue
        form = response.context["form"] if action == "new" else response.context["action_forms"][action]
        if field not in form.errors:
            wrong[(action, json.dumps(change))] = dict(form.errors)
        assert snapshot(pk) == before, (action, change)
        if pk:
            pool.give_back(state, built, response)
    assert not wrong, wrong


# --- Known edges, one by one ---------------------------------------------------------------------


def test_an_end_date_at_the_edge_of_the_calendar_is_not_a_500(pool, people):
    """A reporting period or a due date after 31/12/9999 cannot exist: a plan ending near it must
    be refused with a 400 (or give a sane pilot), never an OverflowError or ValueError. The plans
    start in November 9999 too: from now, the same request first spends minutes materialising
    ~95,000 reporting periods."""
    head, answers = people["head_a"], {}
    for end in ("9999-12-31", "9999-11-30"):
        for where in ("api create", "api adjust", "form create", "form adjust"):
            if "create" in where:
                pk, proposal = None, pool.proposal("approved")
            else:
                built = pool.take("active")
                pk = built.pilot.pk
            if where == "api create":
                client, url = api_client_for(head), "/api/v1/pilots/"
                body = pilot_body(proposal.pk, start_date="9999-11-01", end_date=end)
            elif where == "api adjust":
                client, url = api_client_for(head), api_url(pk, "adjust")
                body = {"reason": "Gia hạn", "start_date": "9999-11-01", "end_date": end}
            elif where == "form create":
                client, url = browser(head), f"/pilots/new/{proposal.pk}/"
                body = {**VALID_FORMS["new"], "start_date": "01/11/9999", "end_date": end}
            else:
                client, url = browser(head), f"/pilots/{pk}/adjust/"
                body = {**VALID_FORMS["adjust"], "start_date": "01/11/9999", "end_date": end}
            client.raise_request_exception = False
            before = snapshot(pk)
            response = client.post(url, body, format="json") if "api" in where else client.post(url, body)
            answers[(where, end)] = response.status_code
            if 400 <= response.status_code < 500:
                assert snapshot(pk) == before, (where, end)
            elif response.status_code < 400:
                pilot = Pilot.objects.get(pk=pk) if pk else Pilot.objects.get(proposal=proposal)
                assert_sane(pilot)
    failures = {key: code for key, code in answers.items() if code >= 500}
    assert not failures, f"500 for an end date in 9999: {failures}"


def test_a_superscript_digit_as_the_report_or_action_id_is_not_a_500(pool, people):
    """str.isdigit() is true for "²" but int("²") fails: an id from the page's hidden field that
    names nothing must be a 404 (or 400), whatever characters it is made of."""
    answers = {}
    for action, actor, field in (("review", "head_a", "report"), ("close-action", "inspector", "action")):
        for value in ("²", "¹²", "³", "٣"):
            built = pool.take("active")
            client = browser(people[actor])
            client.raise_request_exception = False
            before = snapshot(built.pilot.pk)
            body = {field: value, "accept": "true", "note": "Đã xong"}
            response = client.post(f"/pilots/{built.pilot.pk}/{action}/", body)
            answers[(action, value)] = response.status_code
            if 400 <= response.status_code < 500:
                assert snapshot(built.pilot.pk) == before
                pool.give_back("active", built, response)
    failures = {key: code for key, code in answers.items() if code not in (400, 404)}
    assert not failures, failures


def test_control_characters_in_an_indicator_unit_are_refused_by_the_api(pool, people):
    """Every other text field refuses control characters (portal.text.reject_control_characters,
    also on the browser forms); the unit of measure of an indicator must too."""
    indicators = [{"name": "Số hồ sơ", "unit": "hồ\x01sơ\x1b[31m", "baseline": 1, "target": 2}]
    answers = {}
    for where in ("create", "adjust"):
        if where == "create":
            pk = None
            url, body = "/api/v1/pilots/", pilot_body(pool.proposal("approved").pk, indicators=indicators)
        else:
            pk = pool.take("active").pilot.pk
            url, body = api_url(pk, "adjust"), {"reason": "Thêm chỉ tiêu", "indicators": indicators}
        before = snapshot(pk)
        response = api_client_for(people["head_a"]).post(url, body, format="json")
        answers[where] = response.status_code
        if response.status_code == 400:
            assert "indicators" in response.json()
            assert snapshot(pk) == before
    assert answers == {"create": 400, "adjust": 400}, answers


# --- Stored text comes back escaped -------------------------------------------------------------

XSS = "<script>alert(1)</script>"


def assert_escaped(client: Client, url: str, *raw_texts: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    for text in raw_texts:
        assert escape(text) in html, (url, text)
        assert text not in html, (url, text)
    return html


def test_markup_saved_through_the_api_and_the_forms_is_shown_escaped(frozen, people):
    head, cadre, inspector = (api_client_for(people[name]) for name in ("head_a", "cadre_a", "inspector"))
    names = (
        "title", "resources", "indicator", "summary", "issues", "review", "findings", "action", "closing",
        "adjust", "results", "objective", "subjective", "opinion",
    )  # fmt: skip
    mark = {name: f"{XSS} {name} <img src=x onerror=alert('{name}')>" for name in names}
    mark["unit"] = "<b>đơn vị</b>"  # 64 characters at most
    proposal = make_proposal(people["cadre_a"], "approved", title=mark["title"])
    body = pilot_body(
        proposal.pk, start_date="2026-11-01", end_date="2027-04-30", resources=mark["resources"],
        indicators=[{"name": mark["indicator"], "unit": mark["unit"], "baseline": 1, "target": 9}],
    )  # fmt: skip
    response = head.post("/api/v1/pilots/", body, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    report = cadre.post(
        f"/api/v1/pilots/{pk}/reports/",
        {
            "period_end": "2026-11-30", "summary": mark["summary"], "progress_percent": 30,
            "issues": mark["issues"], "indicator_values": [{"name": mark["indicator"], "value": 5}],
        },
        format="json",
    )  # fmt: skip
    assert report.status_code == 201, report.json()
    review_url = f"/api/v1/pilots/{pk}/reports/{report.json()['id']}/review/"
    assert head.post(review_url, {"accept": False, "note": mark["review"]}, format="json").status_code == 200
    inspection = {
        "findings": mark["findings"], "severity": "major", "corrective_actions": mark["action"],
        "due_date": "2026-12-10",
    }  # fmt: skip
    assert inspector.post(f"/api/v1/pilots/{pk}/inspections/", inspection, format="json").status_code == 201
    action = CorrectiveAction.objects.get(inspection__pilot_id=pk)
    # a second action, through the form, stays open: shown beside the form that closes it
    second = {**inspection, "corrective_actions": mark["action"] + " 2", "due_date": "10/12/2026"}
    assert browser(people["inspector"]).post(f"/pilots/{pk}/inspect/", second).status_code == 302
    closed = browser(people["head_a"]).post(
        f"/pilots/{pk}/close-action/", {"action": action.pk, "note": mark["closing"]}
    )
    assert closed.status_code == 302
    adjusted = head.post(
        f"/api/v1/pilots/{pk}/adjust/", {"reason": mark["adjust"], "budget_vnd": 1}, format="json"
    )
    assert adjusted.status_code == 200, adjusted.json()

    page = browser(people["head_a"])
    texts = [mark[name] for name in names[1:10]] + [mark["unit"], mark["adjust"]]
    assert_escaped(page, f"/pilots/{pk}/", mark["title"], *texts)
    assert_escaped(browser(people["cadre_a"]), f"/pilots/{pk}/", mark["title"], *texts)
    assert_escaped(page, "/pilots/", mark["title"])
    assert_escaped(browser(people["inspector"]), "/pilots/inspections/", mark["title"], mark["action"] + " 2")
    assert_escaped(browser(people["cadre_a"]), "/pilots/reports-due/", mark["title"])
    assert_escaped(browser(people["cadre_a"]), "/", mark["title"])

    assert cadre.post(f"/api/v1/pilots/{pk}/complete/").status_code == 200
    assert_escaped(page, "/", mark["title"])
    results = browser(people["cadre_a"]).post(f"/pilots/{pk}/results-report/", {"summary": mark["results"]})
    assert results.status_code == 302
    evaluation = {
        "party_opinion": mark["opinion"], "outcome": "not_completed", "objective_causes": mark["objective"],
        "subjective_causes": mark["subjective"],
    }  # fmt: skip
    assert browser(people["head_a"]).post(f"/pilots/{pk}/evaluate/", evaluation).status_code == 302
    final = [mark["objective"], mark["subjective"], mark["opinion"]]
    assert_escaped(page, f"/pilots/{pk}/", mark["title"], *texts, *final)


TAGS = st.sampled_from(
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg/onload=alert(1)>', "<b>x</b>"]
)
plain = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=20)


@examples
@given(before=plain, tag=TAGS, after=plain)
def test_any_markup_in_a_report_is_shown_escaped_on_the_pilot_page(pool, people, before, tag, after):
    if "shared" not in pool.spare:  # one pilot for all the examples
        pool.spare["shared"] = [pool.take("active")]
    pilot = pool.spare["shared"][0].pilot
    # a period has one current report: the head sends the last one back, and it is corrected
    submitted = pilot.reports.filter(status=ProgressReport.Status.SUBMITTED, period_end__gte="2026-12-31")
    for report in submitted.filter(period_start__lte="2026-12-31"):
        services.report_review(actor=people["head_a"], report=report, accept=False, note="Sửa lại.")
    response = api_client_for(people["cadre_a"]).post(
        f"/api/v1/pilots/{pilot.pk}/reports/",
        {
            "period_end": "2026-12-31",
            "summary": before + tag + after,
            "progress_percent": 50,
            "issues": tag + after,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    stored = ProgressReport.objects.get(pk=response.json()["id"])
    html = assert_escaped(pool.browser("head_a"), f"/pilots/{pilot.pk}/", tag)
    assert escape(stored.issues) in html
