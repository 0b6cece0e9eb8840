"""Hostile input to every proposal form and API endpoint (acceptance line 5).

Hypothesis throws random and hostile values at the API (create, PATCH, every action) and at the
browser forms (new, edit, every action, attachments, co-implementers). Whatever comes in: never a
500; a refusal (4xx) leaves no trace (the proposal row and the counts of proposals, transitions,
history rows, attachments, notifications and permissions are unchanged); what is accepted is sane;
and stored text always comes back escaped on the pages.

The `demo` fixture is function-scoped and shared by all the examples of a test, so every example
builds its own proposal and compares the database before and after its own request.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal.filetypes import sniff_bytes
from portal.models import Notification, User
from portal.voting import MAX_VOTES
from proposals import services
from proposals.models import (
    MAX_BUDGET_VND,
    Proposal,
    ProposalAttachment,
    ProposalTransition,
    ProposalUserObjectPermission,
)
from tests.files import PDF
from tests.proposals.conftest import make_proposal, plan

pytestmark = pytest.mark.campaign  # `make campaign` (long; .ci/run runs it)

examples = hypothesis_settings(
    max_examples=30,
    deadline=None,
    database=None,  # every run explores afresh and writes nothing into the project folder
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
few_examples = hypothesis_settings(examples, max_examples=25)

TEXT_FIELDS = (
    "necessity", "legal_basis", "solution", "scope", "resources", "feasibility", "impact_positive",
    "impact_negative", "expected_results", "risks", "conflict_of_interest",
)  # fmt: skip
TEXT_LIMIT = 20_000
READ_ONLY = (
    "status", "author_id", "unit_id", "reviewer_unit_id", "received_on", "decision_due", "decision_mode",
    "party_opinion", "party_supports", "votes_for", "votes_against", "votes_abstain", "head_vote",
    "responsibility_statement", "decided_on", "decided_by_id", "created_at",
)  # fmt: skip
# Fields a client may send but must never be able to set.
UNKNOWN_FIELDS = (
    "status", "author", "unit", "reviewer_unit", "received_on", "decision_due", "decision_mode", "id",
    "votes_for", "decided_on", "decided_by", "search_text", "created_at", "is_superuser", "party_opinion",
    "__proto__", "proposal", "actor", "",
)  # fmt: skip

# --- Strategies -------------------------------------------------------------------------------

CONTROL = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x1f"])
MARKUP = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "</textarea><script>alert(document.cookie)</script>",
        "<a href=\"javascript:alert('x')\">click</a>",
        "{{ 7|add:7 }}{% debug %}",
        "' OR 1=1 --",
        "&lt;b&gt;&amp;",
        "<!-- ]]> -->",
        "\u202etxt.exe",
        "\ud800",  # a lone surrogate: valid in JSON (as an escape), not encodable as UTF-8
        "a\udfffb",
    ]
)
LONG = st.builds(
    lambda char, length: char * length,
    st.sampled_from(["x", "ệ", "<", "\n", "🙂", " "]),
    st.sampled_from([255, 256, TEXT_LIMIT, TEXT_LIMIT + 1, 100_000]),
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
        [-1, 0, MAX_BUDGET_VND, MAX_BUDGET_VND + 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63) - 1]
    ),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, -0.0, 1e308, 1e-308]),
)
wrong_types = st.one_of(
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from([[], {}, {"$gt": ""}, [[[]]], [None], {"title": "x"}]),
)
numeric_strings = st.sampled_from(
    ["1e10", "12abc", "1_000", " 42 ", "0x10", "NaN", "Infinity", "-0", "1" * 5000, "9" * 30, "١٢٣", "1.5"]
)
text_value = st.one_of(hostile_text, huge_numbers, wrong_types)
number_value = st.one_of(huge_numbers, numeric_strings, hostile_text, wrong_types)
bool_value = st.one_of(
    st.booleans(),
    st.sampled_from(["true", "false", "yes", "no", "on", "maybe", "1", "0", "", "TRUE", 2, -1]),
    wrong_types,
)
date_value = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        [
            "2027-02-30",
            "2027-13-01",
            "0000-00-00",
            "99999-01-01",
            "31/12/2027",
            "2027-1-1",
            "yesterday",
            "2027-01-01T00:00:00",
            "0001-01-01",
            "9999-12-31",
            "",
            "2027-01-01\x00",
        ]
    ),
    st.integers(),
    wrong_types,
    hostile_text,
)


def choice_value(*valid: str) -> st.SearchStrategy:
    return st.one_of(st.sampled_from([*valid, *(v.upper() for v in valid), ""]), text_value)


PLAN_VALUES: dict[str, st.SearchStrategy] = {
    "title": text_value,
    "gap_kind": choice_value("unregulated", "unsuitable"),
    "start_date": date_value,
    "end_date": date_value,
    "budget_vnd": number_value,
    "conditions_confirmed": bool_value,
    **dict.fromkeys(TEXT_FIELDS, text_value),
}


@st.composite
def plan_payloads(draw) -> dict[str, Any]:
    """A complete plan with some fields made hostile, some missing and some unknown ones added."""
    data: dict[str, Any] = plan()
    for name in draw(st.lists(st.sampled_from(sorted(PLAN_VALUES)), unique=True, max_size=6)):
        data[name] = draw(PLAN_VALUES[name])
    if draw(st.booleans()):  # the end before the start
        data["start_date"], data["end_date"] = (
            "2027-12-31",
            draw(st.sampled_from(["2027-01-01", "2027-12-30"])),
        )
    for name in draw(st.lists(st.sampled_from(sorted(data)), unique=True, max_size=4)):
        del data[name]
    for name in draw(st.lists(st.sampled_from(UNKNOWN_FIELDS), unique=True, max_size=3)):
        data[name] = draw(st.one_of(st.sampled_from(["approved", "admin", "UBND", 1, True]), text_value))
    return data


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
    Raw("empty list", b"[]"),
    Raw("a list", b"[1, 2]"),
    Raw("a string", b'"title"'),
    Raw("null", b"null"),
    Raw("a number", b"42"),
    Raw("not UTF-8", b"\xff\xfe\x00garbage"),
    Raw("a lone surrogate in the title", b'{"title": "\\ud800 lone surrogate"}'),
    Raw("NaN", b'{"budget_vnd": NaN}'),
    Raw("1e999", b'{"budget_vnd": 1e999, "votes_for": 1e999}'),
    Raw("a duplicate key", b'{"title": "first", "title": "second"}'),
    # nesting deeper than the JSON decoder's recursion limit
    Raw("50,000 nested lists", b"[" * 50_000 + b"]" * 50_000),
    Raw("5,000 nested objects", b'{"a": ' * 5_000 + b"1" + b"}" * 5_000),
]
RAW_BODIES = st.sampled_from(RAW)
DEEP = RAW[-2]


def body_for(spec: dict[str, tuple[st.SearchStrategy, st.SearchStrategy]]) -> st.SearchStrategy:
    """An action's body: each field valid, hostile or missing, plus unknown fields."""

    @st.composite
    def build(draw) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, (valid, hostile) in spec.items():
            kind = draw(st.sampled_from(["valid", "valid", "hostile", "missing"]))
            if kind != "missing":
                data[name] = draw(valid if kind == "valid" else hostile)
        for name in draw(st.lists(st.sampled_from(UNKNOWN_FIELDS), unique=True, max_size=2)):
            data[name] = draw(st.one_of(st.sampled_from(["approved", "admin", 1]), text_value))
        return data

    return build()


VALID_TEXT = st.sampled_from(["Bổ sung dự toán chi tiết.", "Đồng ý", "ok", "<b>in đậm</b>"])
VOTE = st.one_of(st.integers(0, 12), number_value)
ACTION_BODIES = {
    "submit": {},
    "withdraw": {"reason": (VALID_TEXT, text_value)},
    "return": {"reason": (VALID_TEXT, text_value)},
    "party-opinion": {"opinion": (VALID_TEXT, text_value), "supports": (st.booleans(), bool_value)},
    "decide": {
        "votes_for": (st.integers(0, 12), VOTE),
        "votes_against": (st.integers(0, 12), VOTE),
        "votes_abstain": (st.integers(0, 3), VOTE),
        "head_vote": (st.sampled_from(["for", "against"]), choice_value("for", "against")),
        "mode": (st.sampled_from(["pilot", "implement"]), choice_value("pilot", "implement")),
        "support_granted": (VALID_TEXT, text_value),
    },
    "override": {"responsibility_statement": (VALID_TEXT, text_value)},
    "reject": {"reason": (VALID_TEXT, text_value)},
}
# The state each action starts from, who may do it, and the states it may lead to.
ACTIONS = {
    "submit": ("draft", "cadre_a", {"submitted"}),
    "withdraw": ("draft", "cadre_a", {"withdrawn"}),
    "return": ("submitted", "head_a", {"returned"}),
    "party-opinion": ("submitted", "head_a", {"submitted"}),
    "decide": ("submitted", "head_a", {"approved", "collective_rejected"}),
    "override": ("collective_rejected", "head_a", {"approved_by_head"}),
    "reject": ("collective_rejected", "head_a", {"rejected"}),
}
STATES = ["draft", "submitted", "returned", "withdrawn", "approved", "collective_rejected", "rejected"]
PEOPLE = ["cadre_a", "cadre_a2", "head_a", "deputy_a", "cadre_b", "head_b", "inspector", "admin"]


@st.composite
def situations(draw, action: str) -> tuple[str, str, bool]:
    """Mostly the right state and actor; sometimes the wrong ones (409, 403, 404)."""
    state, actor, _targets = ACTIONS[action]
    state = draw(st.sampled_from([state] * 4 + STATES))
    actor = draw(st.sampled_from([actor] * 4 + PEOPLE))
    with_opinion = draw(st.booleans())
    return state, actor, with_opinion


# --- Helpers ----------------------------------------------------------------------------------


def snapshot(pk: int | None) -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    return {
        "row": Proposal.objects.filter(pk=pk).values().first() if pk else None,
        "co_implementers": sorted(
            Proposal.co_implementers.through.objects.filter(proposal_id=pk).values_list("user_id", flat=True)
        ),
        "proposals": Proposal.objects.count(),
        "transitions": ProposalTransition.objects.count(),
        "history": Proposal.history.count(),
        "attachments": ProposalAttachment.objects.count(),
        "attachment_history": ProposalAttachment.history.count(),
        "notifications": Notification.objects.count(),
        "permissions": ProposalUserObjectPermission.objects.count(),
    }


def stored_files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def has_control_characters(value: str) -> bool:
    return any((ord(ch) < 32 and ch not in "\t\n\r") or ch == "\x7f" for ch in value)


def assert_sane(proposal: Proposal) -> None:
    """What any accepted input may leave in a proposal."""
    assert 0 < len(proposal.title) <= 255
    assert proposal.title.strip()
    for name in ("title", *TEXT_FIELDS):
        value = getattr(proposal, name)
        assert len(value) <= TEXT_LIMIT, name
        assert not has_control_characters(value), name
    assert proposal.gap_kind in ("", *Proposal.GapKind.values)
    assert proposal.budget_vnd is None or 0 <= proposal.budget_vnd <= MAX_BUDGET_VND
    if proposal.start_date and proposal.end_date:
        assert proposal.end_date >= proposal.start_date
    assert isinstance(proposal.conditions_confirmed, bool)
    for name in ("votes_for", "votes_against", "votes_abstain"):
        assert getattr(proposal, name) is None or 0 <= getattr(proposal, name) <= MAX_VOTES
    for note in proposal.transitions.values_list("note", flat=True):
        assert len(note) <= TEXT_LIMIT + 200
        assert not has_control_characters(note)


def assert_refusal_left_no_trace(response, before: dict[str, Any], pk: int | None) -> None:
    assert response.status_code < 500, response.content[:2000]
    if 400 <= response.status_code < 500:
        assert snapshot(pk) == before


def send_json(client, method: str, url: str, body: dict[str, Any] | Raw):
    raw = body.body if isinstance(body, Raw) else json.dumps(body).encode()
    return client.generic(method, url, raw, content_type="application/json")


def form_value(value: Any) -> Any:
    """A JSON-ish value as a browser could send it: strings, or several values for one name."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value] or ""
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def form_data(data: dict[str, Any]) -> dict[str, Any]:
    return {name: form_value(value) for name, value in data.items()}


def raw_bytes(text: str) -> bytes:
    # A lone surrogate goes out as the bytes a careless client would send (invalid UTF-8).
    return text.encode("utf-8", "surrogatepass")


def post_form(client: Client, url: str, data: dict[str, Any]):
    """POST url-encoded like a browser form, byte for byte (the test client refuses surrogates)."""
    pairs = [
        (raw_bytes(name), raw_bytes(item))
        for name, value in form_data(data).items()
        for item in (value if isinstance(value, list) else [value])
    ]
    return client.post(url, urlencode(pairs), content_type="application/x-www-form-urlencoded")


def printable(value: Any) -> Any:
    """A form value the test client's multipart encoder accepts (surrogates become U+FFFD)."""
    value = form_value(value)
    if isinstance(value, list):
        return [printable(item) for item in value]
    return raw_bytes(value).decode("utf-8", "replace")


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def prepare(demo, state: str, *, with_opinion: bool = False, author: str = "cadre_a") -> Proposal:
    proposal = make_proposal(demo[author], state)
    if with_opinion and proposal.status == "submitted":
        services.proposal_record_party_opinion(
            actor=demo["head_a"], proposal=proposal, opinion="Đảng ủy thống nhất.", supports=True
        )
    return proposal


@pytest.fixture
def private_media(settings, tmp_path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


# --- The API ----------------------------------------------------------------------------------


@examples
@given(
    body=st.one_of(plan_payloads(), plan_payloads(), RAW_BODIES),
    actor=st.sampled_from(["cadre_a"] * 5 + PEOPLE),
)
@example(body=DEEP, actor="cadre_a")
def test_api_create_survives_hostile_input_and_saves_only_sane_drafts(demo, api, body, actor):
    before = snapshot(None)
    response = send_json(api(demo[actor]), "POST", "/api/v1/proposals/", body)
    assert_refusal_left_no_trace(response, before, None)
    if response.status_code == 201:
        proposal = Proposal.objects.get(pk=response.json()["id"])
        assert proposal.author == demo[actor]
        assert proposal.status == "draft"
        assert proposal.received_on is None and proposal.decided_on is None
        assert Proposal.objects.count() == before["proposals"] + 1
        assert ProposalTransition.objects.count() == before["transitions"] + 1
        assert_sane(proposal)


@examples
@given(
    body=st.one_of(plan_payloads(), plan_payloads(), RAW_BODIES),
    state=st.sampled_from(["draft", "draft", "returned", "submitted", "approved"]),
    actor=st.sampled_from(["cadre_a"] * 5 + PEOPLE),
    pk=st.sampled_from([None, None, None, None, 0, 999_999_999_999_999_999]),
)
@example(body=DEEP, state="draft", actor="cadre_a", pk=None)
def test_api_patch_survives_hostile_input_and_changes_only_the_plan(demo, api, body, state, actor, pk):
    proposal = prepare(demo, state)
    before = snapshot(proposal.pk)
    response = send_json(api(demo[actor]), "PATCH", f"/api/v1/proposals/{pk or proposal.pk}/", body)
    assert_refusal_left_no_trace(response, before, proposal.pk)
    if response.status_code == 200:
        proposal.refresh_from_db()
        assert actor == "cadre_a" and state in Proposal.EDITABLE_STATES
        row = Proposal.objects.filter(pk=proposal.pk).values().first()
        for name in READ_ONLY:
            assert row[name] == before["row"][name], name
        assert ProposalTransition.objects.count() == before["transitions"]
        assert_sane(proposal)


@pytest.mark.parametrize("action", list(ACTIONS))
@few_examples
@given(data=st.data())
def test_api_actions_survive_hostile_input(demo, api, action, data):
    state, actor, with_opinion = data.draw(situations(action))
    body = data.draw(st.one_of(body_for(ACTION_BODIES[action]), RAW_BODIES))
    proposal = prepare(demo, state, with_opinion=with_opinion)
    before = snapshot(proposal.pk)
    response = send_json(api(demo[actor]), "POST", f"/api/v1/proposals/{proposal.pk}/{action}/", body)
    assert_refusal_left_no_trace(response, before, proposal.pk)
    if response.status_code == 200:
        proposal.refresh_from_db()
        assert proposal.status in ACTIONS[action][2]
        assert ProposalTransition.objects.count() == before["transitions"] + 1
        assert_sane(proposal)


API_ENDPOINTS = {
    "create": ("POST", "/api/v1/proposals/", None, "cadre_a"),
    "patch": ("PATCH", "/api/v1/proposals/{pk}/", "draft", "cadre_a"),
    **{
        action: ("POST", f"/api/v1/proposals/{{pk}}/{action}/", state, actor)
        for action, (state, actor, _targets) in ACTIONS.items()
    },
}


@pytest.mark.parametrize("endpoint", list(API_ENDPOINTS))
def test_every_api_endpoint_survives_malformed_json_bodies(demo, api, endpoint):
    method, url, state, actor = API_ENDPOINTS[endpoint]
    answers = {}
    for raw in RAW:
        proposal = prepare(demo, state) if state else None
        pk = proposal.pk if proposal else None
        before = snapshot(pk)
        try:
            response = send_json(api(demo[actor]), method, url.format(pk=pk), raw)
        except Exception as error:  # reported below, with the other bodies' answers
            answers[raw.label] = f"{type(error).__name__}: {str(error)[:80]}"
            continue
        answers[raw.label] = response.status_code
        if 400 <= response.status_code < 500:
            assert snapshot(pk) == before, raw.label
    failures = {label: code for label, code in answers.items() if not (isinstance(code, int) and code < 500)}
    assert not failures, failures


# --- The browser forms ------------------------------------------------------------------------


@examples
@given(body=plan_payloads(), actor=st.sampled_from(["cadre_a"] * 5 + PEOPLE))
def test_the_new_proposal_form_survives_hostile_input(demo, body, actor):
    before, existing = snapshot(None), list(Proposal.objects.values_list("pk", flat=True))
    response = post_form(browser(demo[actor]), "/proposals/new/", body)
    assert_refusal_left_no_trace(response, before, None)
    if response.status_code == 400:
        assert b"invalid-feedback" in response.content or b"alert-danger" in response.content
    if response.status_code == 302:
        proposal = Proposal.objects.exclude(pk__in=existing).get()
        assert proposal.author == demo[actor]
        assert proposal.status == "draft"
        assert Proposal.objects.count() == before["proposals"] + 1
        assert_sane(proposal)


@examples
@given(
    body=plan_payloads(),
    state=st.sampled_from(["draft", "draft", "returned", "submitted", "rejected"]),
    actor=st.sampled_from(["cadre_a"] * 5 + PEOPLE),
    and_submit=st.booleans(),
)
def test_the_edit_form_survives_hostile_input(demo, body, state, actor, and_submit):
    proposal = prepare(demo, state)
    before = snapshot(proposal.pk)
    if and_submit:
        body = {**body, "submit": "1"}
    response = post_form(browser(demo[actor]), f"/proposals/{proposal.pk}/edit/", body)
    assert_refusal_left_no_trace(response, before, proposal.pk)
    if response.status_code == 400:
        assert b"invalid-feedback" in response.content or b"alert-danger" in response.content
    proposal.refresh_from_db()
    assert_sane(proposal)
    if response.status_code == 302 and not and_submit:
        row = Proposal.objects.filter(pk=proposal.pk).values().first()
        for name in READ_ONLY:
            assert row[name] == before["row"][name], name


@pytest.mark.parametrize("action", list(ACTIONS))
@few_examples
@given(data=st.data())
def test_the_action_forms_survive_hostile_input(demo, action, data):
    state, actor, with_opinion = data.draw(situations(action))
    body = data.draw(body_for(ACTION_BODIES[action]))
    proposal = prepare(demo, state, with_opinion=with_opinion)
    before = snapshot(proposal.pk)
    response = post_form(browser(demo[actor]), f"/proposals/{proposal.pk}/{action}/", body)
    assert_refusal_left_no_trace(response, before, proposal.pk)
    proposal.refresh_from_db()
    if response.status_code == 302 and proposal.status != before["row"]["status"]:
        assert proposal.status in ACTIONS[action][2]
    assert_sane(proposal)


MAGIC = st.sampled_from(
    [
        b"",
        b"%PDF-1.4\n",
        b"MZ\x90\x00",
        b"\x7fELF\x02\x01",
        b"PK\x03\x04",
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff\xe0",
    ]
)
FILE_NAMES = st.one_of(
    st.sampled_from(
        [
            "plan.pdf",
            "../../etc/passwd",
            "..\\..\\boot.ini",
            "<img src=x onerror=alert(1)>.pdf",
            "a" * 1000 + ".pdf",
            "virus.exe",
            "x.pdf.exe",
            ".htaccess",
            "ảnh chụp.png",
            "file",
        ]
    ),
    st.text(min_size=1, max_size=30).filter(lambda name: name.strip("./\\") != ""),
)


@examples
@given(
    magic=MAGIC,
    content=st.binary(max_size=512),
    name=FILE_NAMES,
    description=text_value,
    with_file=st.sampled_from([True, True, True, False]),
    state=st.sampled_from(["draft", "draft", "returned", "submitted"]),
    actor=st.sampled_from(["cadre_a"] * 4 + PEOPLE),
)
def test_the_attachment_form_survives_hostile_input(
    demo, private_media, magic, content, name, description, with_file, state, actor
):
    proposal = prepare(demo, state)
    before, files_before = snapshot(proposal.pk), stored_files(private_media)
    data: dict[str, Any] = {"description": printable(description)}
    data["file"] = SimpleUploadedFile(printable(name), magic + content) if with_file else str(content)
    response = browser(demo[actor]).post(f"/proposals/{proposal.pk}/attachments/", data)
    assert_refusal_left_no_trace(response, before, proposal.pk)
    if response.status_code >= 400:
        assert stored_files(private_media) == files_before
    if response.status_code == 400:
        assert b"invalid-feedback" in response.content or b"text-danger" in response.content
    for attachment in ProposalAttachment.objects.filter(proposal=proposal):
        with attachment.file.open("rb") as stored:
            stored_bytes = stored.read()
        assert sniff_bytes(stored_bytes) == attachment.kind
        assert len(attachment.original_name) <= 255
        assert Path(attachment.file.path).resolve().is_relative_to(Path(private_media).resolve())


@examples
@given(
    username=st.one_of(st.sampled_from([*PEOPLE, "nobody", "head_top", "orgcom"]), text_value),
    change=st.sampled_from(["add", "add", "remove"]),
    already=st.booleans(),
    state=st.sampled_from(["draft", "draft", "returned", "submitted"]),
    actor=st.sampled_from(["cadre_a"] * 4 + PEOPLE),
)
def test_the_co_implementer_forms_survive_hostile_input(demo, username, change, already, state, actor):
    proposal = prepare(demo, "draft")
    if already:
        services.co_implementer_add(actor=demo["cadre_a"], proposal=proposal, user=demo["cadre_a2"])
    if state != "draft":
        proposal = _walk(demo, proposal, state)
    before = snapshot(proposal.pk)
    url = f"/proposals/{proposal.pk}/co-implementers/{change}/"
    response = post_form(browser(demo[actor]), url, {"username": username})
    assert_refusal_left_no_trace(response, before, proposal.pk)
    if response.status_code == 400 and proposal.status in Proposal.EDITABLE_STATES:
        assert b"invalid-feedback" in response.content
    co_implementers = set(proposal.co_implementers.values_list("username", flat=True))
    assert "cadre_a" not in co_implementers
    assert all(User.objects.get(username=name).is_active for name in co_implementers)


@pytest.mark.parametrize("username", ["", "nobody", "cadre_a2"])
def test_changing_co_implementers_after_submission_is_refused_with_a_message(demo, username):
    """A page opened while the proposal was a draft still has the form; whatever is typed into
    it, the answer must say why nothing happened."""
    proposal = prepare(demo, "submitted")
    before = snapshot(proposal.pk)
    author = browser(demo["cadre_a"])
    response = author.post(f"/proposals/{proposal.pk}/co-implementers/add/", {"username": username})
    assert response.status_code in (302, 400, 409)
    redirected = response.status_code == 302
    page = (author.get(response["Location"]) if redirected else response).content.decode()
    assert "invalid-feedback" in page or "alert-danger" in page
    assert snapshot(proposal.pk) == before


def _walk(demo, proposal: Proposal, state: str) -> Proposal:
    proposal = services.proposal_submit(actor=demo["cadre_a"], proposal=proposal)
    if state == "returned":
        proposal = services.proposal_return(actor=demo["head_a"], proposal=proposal, reason="Bổ sung.")
    return proposal


BROKEN_MULTIPART = b'--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nabc'
FORM_RAW = [
    ("broken multipart", BROKEN_MULTIPART, "multipart/form-data; boundary=xyz"),
    ("multipart without a boundary", b"garbage", "multipart/form-data"),
    ("JSON sent to a form", json.dumps(plan()).encode(), "application/json"),
    ("invalid UTF-8", b"title=%ff%fe&reason=%ed%a0%80&username=%c0%af", "application/x-www-form-urlencoded"),
    ("an unknown charset", b"title=abc", "application/x-www-form-urlencoded; charset=x-nonsense"),
    ("too many fields", b"&".join(b"f%d=1" % i for i in range(1_500)), "application/x-www-form-urlencoded"),
    ("a body over the memory limit", b"title=" + b"x" * 2_700_000, "application/x-www-form-urlencoded"),
]  # fmt: skip
FORM_ENDPOINTS = {
    "new": ("/proposals/new/", None, "cadre_a"),
    "edit": ("/proposals/{pk}/edit/", "draft", "cadre_a"),
    **{
        action: (f"/proposals/{{pk}}/{action}/", state, actor)
        for action, (state, actor, _targets) in ACTIONS.items()
    },
    "attachments": ("/proposals/{pk}/attachments/", "draft", "cadre_a"),
    "co-implementer add": ("/proposals/{pk}/co-implementers/add/", "draft", "cadre_a"),
    "co-implementer remove": ("/proposals/{pk}/co-implementers/remove/", "draft", "cadre_a"),
}


@pytest.mark.parametrize("endpoint", list(FORM_ENDPOINTS))
def test_every_form_survives_malformed_request_bodies(demo, private_media, endpoint):
    url, state, actor = FORM_ENDPOINTS[endpoint]
    answers = {}
    for label, body, content_type in FORM_RAW:
        proposal = prepare(demo, state) if state else None
        pk = proposal.pk if proposal else None
        before = snapshot(pk)
        try:
            response = browser(demo[actor]).generic(
                "POST", url.format(pk=pk), body, content_type=content_type
            )
        except Exception as error:  # reported below, with the other bodies' answers
            answers[label] = f"{type(error).__name__}: {str(error)[:80]}"
            continue
        answers[label] = response.status_code
        if 400 <= response.status_code < 500:
            assert snapshot(pk) == before, label
        assert stored_files(private_media) == set(), label
    failures = {label: code for label, code in answers.items() if not (isinstance(code, int) and code < 500)}
    assert not failures, failures


def test_save_and_submit_refused_with_a_4xx_leaves_the_draft_unchanged(demo):
    """head_top heads the root unit: nobody above can decide, so submitting is refused (409).
    A refusal must not keep half of the request (the edit) while refusing the other half."""
    proposal = prepare(demo, "draft", author="head_top")
    before = snapshot(proposal.pk)
    body = {**plan(title="Tiêu đề mới"), "submit": "1"}
    response = post_form(browser(demo["head_top"]), f"/proposals/{proposal.pk}/edit/", body)
    assert response.status_code < 500
    if 400 <= response.status_code < 500:
        assert snapshot(proposal.pk) == before
    else:
        proposal.refresh_from_db()
        assert proposal.status == "draft"


# --- Stored text comes back escaped -----------------------------------------------------------

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def assert_escaped(client: Client, url: str, *raw_texts: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    for text in raw_texts:
        assert escape(text) in html, (url, text)
        assert text not in html, (url, text)
    return html


def test_markup_saved_through_the_api_is_shown_escaped_everywhere(
    collectives, demo, api, private_media, django_capture_on_commit_callbacks
):
    markup = {name: f"{XSS} {name} <img src=x onerror=alert('{name}')>" for name in TEXT_FIELDS}
    response = api(demo["cadre_a"]).post("/api/v1/proposals/", plan(title=XSS, **markup), format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    author = browser(demo["cadre_a"])
    attached = author.post(
        f"/proposals/{pk}/attachments/",
        {
            "file": SimpleUploadedFile("<img src=x onerror=alert(2)>.pdf", PDF),
            "description": "<b onmouseover=alert(3)>mô tả</b>",
        },
    )
    assert attached.status_code == 302

    html = assert_escaped(author, f"/proposals/{pk}/", XSS, *markup.values())
    assert ESCAPED in html
    assert escape("<img src=x onerror=alert(2)>.pdf") in html
    assert "<b onmouseover=alert(3)>" not in html
    assert_escaped(author, f"/proposals/{pk}/edit/", XSS, *markup.values())
    assert_escaped(author, "/proposals/", XSS)
    assert_escaped(author, "/", XSS)
    assert_escaped(author, f"/proposals/?q={XSS}", XSS)

    with django_capture_on_commit_callbacks(execute=True):
        assert api(demo["cadre_a"]).post(f"/api/v1/proposals/{pk}/submit/").status_code == 200
    head = browser(demo["head_a"])
    for url in (f"/proposals/{pk}/", "/proposals/all/", "/proposals/inbox/", "/"):
        assert ESCAPED in assert_escaped(head, url, XSS)

    reason = f"{XSS} bổ sung <iframe src=//evil>"
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api(demo["head_a"]).post(f"/api/v1/proposals/{pk}/return/", {"reason": reason}).status_code == 200
        )
    assert_escaped(author, f"/proposals/{pk}/", XSS, reason)
    assert_escaped(author, "/", XSS)
    assert_escaped(author, "/notifications/", XSS)

    assert api(demo["cadre_a"]).post(f"/api/v1/proposals/{pk}/submit/").status_code == 200
    opinion = f"{XSS} Đảng ủy <svg onload=alert(4)>"
    statement = f"{XSS} Tôi chịu trách nhiệm <svg onload=alert(5)>"
    support = f"{XSS} hỗ trợ <svg onload=alert(6)>"
    head_api = api(demo["head_a"])
    assert (
        head_api.post(
            f"/api/v1/proposals/{pk}/party-opinion/", {"opinion": opinion, "supports": True}
        ).status_code
        == 200
    )
    decided = head_api.post(
        f"/api/v1/proposals/{pk}/decide/",
        {
            "votes_for": 1,
            "votes_against": 3,
            "head_vote": "against",
            "mode": "pilot",
            "support_granted": support,
        },
        format="json",
    )
    assert decided.status_code == 200
    overridden = head_api.post(f"/api/v1/proposals/{pk}/override/", {"responsibility_statement": statement})
    assert overridden.status_code == 200
    assert_escaped(head, f"/proposals/{pk}/", XSS, opinion, statement, support)


def test_markup_saved_through_the_browser_form_is_shown_escaped(demo):
    author = browser(demo["cadre_a"])
    response = author.post("/proposals/new/", form_data(plan(title=XSS, necessity=f"</textarea>{XSS}")))
    assert response.status_code == 302
    proposal = Proposal.objects.get(title=XSS)
    assert ESCAPED in assert_escaped(author, f"/proposals/{proposal.pk}/", XSS, f"</textarea>{XSS}")
    assert_escaped(author, f"/proposals/{proposal.pk}/edit/", XSS, f"</textarea>{XSS}")
    assert_escaped(author, "/proposals/", XSS)
    assert_escaped(author, "/", XSS)


TAGS = st.sampled_from(
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg/onload=alert(1)>', "<b>x</b>"]
)


@few_examples
@given(
    before=st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=20),
    tag=TAGS,
    after=st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=20),
)
def test_any_markup_in_a_title_is_shown_escaped(demo, api, before, tag, after):
    response = api(demo["cadre_a"]).post(
        "/api/v1/proposals/", plan(title=before + tag + after), format="json"
    )
    assert response.status_code == 201, response.json()
    proposal = Proposal.objects.get(pk=response.json()["id"])
    author = browser(demo["cadre_a"])
    for url in (f"/proposals/{proposal.pk}/", "/proposals/", "/"):
        assert_escaped(author, url, proposal.title)
