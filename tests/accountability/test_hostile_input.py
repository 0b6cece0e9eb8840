"""Hostile input on every case endpoint and form: never a 500, and a refusal leaves no trace
(the case, its transitions, reviews and explanations stay as they were)."""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accountability.models import Case
from tests.accountability.test_api import outcome_case
from tests.conftest import api_client_for
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.campaign  # `make campaign` (long; .ci/run runs it)

examples = hypothesis_settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],
)
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        ["", "   ", "<script>alert(1)</script>", "x" * 20_001, "a\x00b", "\u202e", "yes", "protect"]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
FIELDS = [
    "findings", "recommendation", "objective_causes", "subjective_causes", "acted_per_policy", "pure_motive",
    "common_good", "substantiated", "decision", "basis", "outcome", "note", "text", "kind", "proposal",
    "subject", "summary",
]  # fmt: skip
ACTIONS = ["review", "determine", "relief", "referral-outcome", "explanation"]
PEOPLE = ["cadre_a", "head_a", "head_top", "inspector", "head_b"]


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        model_to_dict(case),
        case.transitions.count(),
        case.reviews.count(),
        case.explanations.count(),
        Case.objects.count(),
    )


def body_of(draw_dict: dict) -> bytes:
    try:
        return json.dumps(draw_dict).encode()
    except (ValueError, TypeError):
        return b"{"


@examples
@given(data=st.data())
def test_the_case_api_survives_hostile_input_and_a_refusal_changes_nothing(demo, api, data):
    as_ = lambda name: api(demo[name])  # noqa: E731
    case = Case.objects.filter(kind="outcome").first() or outcome_case(as_, demo)
    action = data.draw(st.sampled_from(ACTIONS))
    who = data.draw(st.sampled_from(PEOPLE))
    body = data.draw(st.dictionaries(st.sampled_from(FIELDS), HOSTILE, max_size=6))
    before = snapshot(case)
    response = api_client_for(demo[who]).generic(
        "POST", f"/api/v1/cases/{case.pk}/{action}/", body_of(body), content_type="application/json"
    )
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert snapshot(case) == before


@examples
@given(body=st.dictionaries(st.sampled_from(FIELDS), HOSTILE, max_size=6), who=st.sampled_from(PEOPLE))
def test_reporting_a_case_survives_hostile_input(demo, body, who):
    if not Case.objects.exists():
        make_proposal(demo["cadre_a2"], "submitted")  # a proposal the reports can name
    count = Case.objects.count()
    response = api_client_for(demo[who]).generic(
        "POST", "/api/v1/cases/", body_of(body), content_type="application/json"
    )
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert Case.objects.count() == count


@examples
@given(data=st.data())
def test_the_case_forms_survive_hostile_input(demo, api, client, data):
    as_ = lambda name: api(demo[name])  # noqa: E731
    case = Case.objects.filter(kind="outcome").first() or outcome_case(as_, demo)
    action = data.draw(st.sampled_from(ACTIONS))
    who = data.draw(st.sampled_from(PEOPLE))
    form = data.draw(st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=40), max_size=6))
    before = snapshot(case)
    client.force_login(demo[who])
    response = client.post(f"/cases/{case.pk}/{action}/", {k: v.replace("\x00", "") for k, v in form.items()})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert snapshot(case) == before


RAW_BODIES = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"", b"{", b"[]", b"null", b'{"text": "\\ud800"}', b'{"text": ' * 50, b"\xff\xfe"]),
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "multipart/form-data; boundary=x", "multipart/form-data", "text/plain",
     "application/x-www-form-urlencoded", "application/xml"]
)  # fmt: skip


@examples
@given(raw=RAW_BODIES, content_type=CONTENT_TYPES, action=st.sampled_from(ACTIONS))
def test_raw_bodies_of_any_type_are_refused_cleanly(demo, api, raw, content_type, action):
    as_ = lambda name: api(demo[name])  # noqa: E731
    case = Case.objects.filter(kind="outcome").first() or outcome_case(as_, demo)
    before = snapshot(case)
    response = api_client_for(demo["cadre_a"]).generic(
        "POST", f"/api/v1/cases/{case.pk}/{action}/", raw, content_type=content_type
    )
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert snapshot(case) == before


FILE_CONTENT = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"%PDF-", b"PK\x03\x04" + b"\x00" * 30, b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b""]),
)


@examples
@given(
    content=FILE_CONTENT,
    # Names a browser can send (Django's parser drops a file whose name is empty once sanitised).
    name=st.text(
        st.characters(
            blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"), blacklist_characters="/\\"
        ),
        max_size=300,
    ).map(lambda s: s.strip() or "f"),
    text=st.sampled_from(["", "Giải trình.", "x" * 20_001]),
    description=st.text(max_size=300).map(lambda s: s.replace("\x00", "")),
    as_page=st.booleans(),
)
def test_an_explanation_with_any_file_is_stored_whole_or_not_at_all(
    demo, api, client, settings, tmp_path, content, name, text, description, as_page
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accountability.models import CaseAttachment

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    as_ = lambda name_: api(demo[name_])  # noqa: E731
    case = Case.objects.filter(kind="outcome").first() or outcome_case(as_, demo)
    before, files = snapshot(case), CaseAttachment.objects.count()
    body = {"text": text, "description": description, "file": SimpleUploadedFile(name, content)}
    if as_page:
        client.force_login(demo["cadre_a"])
        response = client.post(f"/cases/{case.pk}/explanation/", body)
    else:
        response = as_("cadre_a").post(f"/api/v1/cases/{case.pk}/explanation/", body, format="multipart")
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert snapshot(case) == before and CaseAttachment.objects.count() == files
    else:
        assert case.explanations.count() == before[3] + 1 and CaseAttachment.objects.count() == files + 1
