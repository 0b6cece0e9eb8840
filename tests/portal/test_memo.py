"""One answer per reading request (issue "Scale", P2): during a GET the repeated questions of a
page (is this person an implementer? which units does their scope hold?) are asked of the
database once; outside a GET — a form's POST, a service, a test — every call asks again, so
nothing written in the meantime is missed."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pilots import permissions
from pilots.models import Pilot
from portal.memo import _answers, once
from portal.permissions import scope_unit_ids


def test_outside_a_reading_request_every_call_is_worked_out_again():
    calls = []
    assert [once("key", lambda: calls.append(1) or len(calls)) for _ in range(2)] == [1, 2]


def test_inside_one_each_key_is_worked_out_once():
    token, calls = _answers.set({}), []
    try:
        answers = [once(key, lambda: calls.append(1) or len(calls)) for key in ("a", "a", "b")]
    finally:
        _answers.reset(token)
    assert answers == [1, 1, 2]
    assert _answers.get() is None


def test_a_pilot_page_asks_each_question_of_the_database_once(demo_full):
    pilot = Pilot.objects.order_by("pk").first()
    client = Client()
    client.force_login(demo_full["head_top"])
    client.get(f"/pilots/{pilot.pk}/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/pilots/{pilot.pk}/").status_code == 200
    statements = [re.sub(r"'[^']*'", "?", query["sql"]) for query in queries.captured_queries]
    repeated = {sql for sql in statements if statements.count(sql) > 1 and "portal_user" not in sql}
    assert not repeated
    assert len(statements) <= 24


def test_a_service_sees_what_was_written_since_its_last_question(demo_full):
    pilot = Pilot.objects.order_by("pk").first()
    outsider = demo_full["cadre_b"]
    assert not permissions.is_implementer(outsider, pilot)
    pilot.implementers.add(outsider)
    assert permissions.is_implementer(outsider, pilot)
    assert scope_unit_ids(demo_full["head_a"]) == scope_unit_ids(demo_full["head_a"])
