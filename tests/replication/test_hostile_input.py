"""Hostile input on the recognition, library, review and report endpoints and forms: never a 500,
and a refusal leaves rewards, models, institutionalisations and reviews as they were."""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitoring.models import PeriodicReview
from pilots.models import Pilot
from recognition.models import Reward
from replication.models import InnovationModel, Institutionalisation
from tests.conftest import api_client_for
from tests.recognition.conftest import evaluated_pilot, post

pytestmark = pytest.mark.campaign  # `make campaign` (long; .ci/run runs it)

examples = hypothesis_settings(
    max_examples=20, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["", " ", "x" * 20_001, "a\x00b", "cadre_a", "award", "issued", "2026-11-30", "UBND"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)  # fmt: skip
FIELDS = [
    "pilot", "cadre", "kind", "decision_ref", "decided_on", "summary", "conditions", "field", "document_kind",
    "drafting_agency", "note", "stage", "document_number", "issued_on", "unit", "period_start", "period_end",
    "findings",
]  # fmt: skip
PEOPLE = ["cadre_a", "cadre_b", "head_a", "head_b", "head_top", "orgcom"]


def raw(body: dict) -> bytes:
    try:
        return json.dumps(body).encode()
    except (ValueError, TypeError):
        return b"{"


def snapshot() -> tuple:
    return tuple(
        [model_to_dict(row) for row in model.objects.order_by("pk")]
        for model in (Reward, InnovationModel, Institutionalisation, PeriodicReview)
    )


def the_library(as_, demo) -> tuple[Pilot, InnovationModel, Institutionalisation]:
    model = InnovationModel.objects.first()
    if model is None:
        pilot = evaluated_pilot(as_, demo)
        pk = post(
            as_("head_a"), "/api/v1/models/", {"pilot": pilot.pk, "summary": "Tóm tắt.", "conditions": "Có."}
        ).json()["id"]
        model = InnovationModel.objects.get(pk=pk)
        post(
            as_("orgcom"),
            f"/api/v1/models/{pk}/institutionalise/",
            {"document_kind": "QĐ", "drafting_agency": "Sở"},
        )
    return model.pilot, model, model.institutionalisations.first()


@examples
@given(data=st.data())
def test_the_endpoints_survive_hostile_input(as_, demo, data):
    pilot, model, item = the_library(as_, demo)
    path = data.draw(st.sampled_from([
        "/api/v1/rewards/", "/api/v1/models/", f"/api/v1/models/{model.pk}/adopt/",
        f"/api/v1/models/{model.pk}/institutionalise/", f"/api/v1/institutionalisations/{item.pk}/advance/",
        "/api/v1/reviews/",
    ]))  # fmt: skip
    body = data.draw(st.dictionaries(st.sampled_from(FIELDS), HOSTILE, max_size=6))
    if data.draw(st.booleans()):
        body["pilot"] = pilot.pk
    before = snapshot()
    response = api_client_for(demo[data.draw(st.sampled_from(PEOPLE))]).generic(
        "POST", path, raw(body), content_type="application/json"
    )
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert snapshot() == before


@examples
@given(
    params=st.dictionaries(
        st.sampled_from(["unit", "from", "to", "q", "field", "year"]), st.text(max_size=20)
    ),
    who=st.sampled_from(PEOPLE),
)
def test_the_read_endpoints_survive_hostile_query_strings(as_, demo, params, who):
    for path in ("/api/v1/reports/summary/", "/api/v1/models/", "/api/v1/rewards/", "/api/v1/reviews/"):
        response = api_client_for(demo[who]).get(path, {k: v.replace("\x00", "") for k, v in params.items()})
        assert response.status_code < 500, (path, response.content[:300])


@examples
@given(data=st.data())
def test_the_forms_survive_hostile_input(as_, demo, client, data):
    pilot, model, item = the_library(as_, demo)
    path = data.draw(st.sampled_from([
        f"/rewards/new/{pilot.pk}/", f"/models/publish/{pilot.pk}/", f"/models/{model.pk}/adopt/",
        f"/models/{model.pk}/institutionalise/", f"/models/institutionalisations/{item.pk}/advance/",
    ]))  # fmt: skip
    form = data.draw(st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=40), max_size=6))
    before = snapshot()
    client.force_login(demo[data.draw(st.sampled_from(PEOPLE))])
    response = client.post(path, {k: v.replace("\x00", "") for k, v in form.items()})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert snapshot() == before
