"""Hostile input on the obstacle and urging endpoints and forms: never a 500, and a refusal
leaves the obstacle or urging, its rows and counts as they were."""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitoring.models import Urging
from support.models import Obstacle
from tests.conftest import api_client_for
from tests.support.test_obstacles import RAISE, post, running_pilot

pytestmark = pytest.mark.campaign  # `make campaign` (long; .ci/run runs it)

examples = hypothesis_settings(
    max_examples=20, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["", "   ", "<script>x</script>", "x" * 20_001, "a\x00b", "support_granted", "SNV"]),
    st.lists(
        st.one_of(st.integers(), st.dictionaries(st.sampled_from(["kind", "id"]), st.integers())), max_size=3
    ),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)  # fmt: skip
FIELDS = ["kind", "description", "request", "report", "decision", "note", "cleared", "unit", "items", "by"]
PEOPLE = ["cadre_a", "head_a", "head_top", "orgcom", "head_b"]


def raw(body: dict) -> bytes:
    try:
        return json.dumps(body).encode()
    except (ValueError, TypeError):
        return b"{"


def snapshot() -> tuple:
    return (
        [model_to_dict(o) for o in Obstacle.objects.order_by("pk")],
        [model_to_dict(u) for u in Urging.objects.order_by("pk")],
        sum(o.transitions.count() for o in Obstacle.objects.all()),
    )


def an_obstacle(demo, api) -> Obstacle:
    found = Obstacle.objects.first()
    if found:
        return found
    as_ = lambda name: api(demo[name])  # noqa: E731
    pid = running_pilot(as_, demo)
    return Obstacle.objects.get(
        pk=post(as_("cadre_a"), f"/api/v1/pilots/{pid}/obstacles/", RAISE).json()["id"]
    )


@examples
@given(data=st.data())
def test_the_obstacle_and_urging_api_survive_hostile_input(demo, api, data):
    obstacle = an_obstacle(demo, api)
    path = data.draw(
        st.sampled_from([
            f"/api/v1/pilots/{obstacle.pilot_id}/obstacles/", f"/api/v1/obstacles/{obstacle.pk}/answer/",
            f"/api/v1/obstacles/{obstacle.pk}/escalate/", f"/api/v1/obstacles/{obstacle.pk}/confirm/",
            "/api/v1/urgings/",
        ])
    )  # fmt: skip
    who = data.draw(st.sampled_from(PEOPLE))
    body = data.draw(st.dictionaries(st.sampled_from(FIELDS), HOSTILE, max_size=5))
    before = snapshot()
    response = api_client_for(demo[who]).generic("POST", path, raw(body), content_type="application/json")
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert snapshot() == before


@examples
@given(data=st.data())
def test_the_obstacle_and_urging_forms_survive_hostile_input(demo, api, client, data):
    obstacle = an_obstacle(demo, api)
    path = data.draw(
        st.sampled_from([
            f"/obstacles/raise/{obstacle.pilot_id}/", f"/obstacles/{obstacle.pk}/answer/",
            f"/obstacles/{obstacle.pk}/escalate/", f"/obstacles/{obstacle.pk}/confirm/",
            f"/obstacles/{obstacle.pk}/attach/", "/urgings/unit/SKHDT/",
        ])
    )  # fmt: skip
    who = data.draw(st.sampled_from(PEOPLE))
    form = data.draw(st.dictionaries(st.sampled_from([*FIELDS, "item"]), st.text(max_size=40), max_size=5))
    before = snapshot()
    client.force_login(demo[who])
    response = client.post(path, {k: v.replace("\x00", "") for k, v in form.items()})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert snapshot() == before
