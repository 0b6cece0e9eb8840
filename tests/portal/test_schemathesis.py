"""schemathesis against the live schema (issue "Trust", standing test): every operation that
`/api/v1/schema/` documents gets inputs generated from the schema, sent in-process through the
WSGI application as two personas (a cadre and the head who decides on their work), on the seeded
demo. Each answer is checked by schemathesis: never a 5xx, only documented status codes, the
documented content type, headers and body. Bounded: a few examples per operation and persona,
and a time budget for the whole campaign."""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager

import pytest

from tests.conftest import demo_totp
from tests.trust import record

pytestmark = pytest.mark.campaign

PERSONAS = ("cadre_a", "head_a")
EXAMPLES = 30  # per operation and persona
BUDGET_SECONDS = 270  # stop generating once the campaign has run this long (≤ 5 minutes)
PASSWORD = "demo-Pass-2026"
SHOWN = ("- ST", "Received", "Documented", "Schema at", "curl")  # curl: the request to replay


def token_for(username: str) -> str:
    from rest_framework.test import APIClient

    body = {"username": username, "password": PASSWORD, "otp": demo_totp()}
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


@contextmanager
def connection_kept():
    """As Django's test client does: the WSGI app must not close the test's connection (which
    holds the test's transaction) at the end of each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_generated_requests_get_documented_answers(demo_full, settings):
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from django.db import transaction
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    settings.ALLOWED_HOSTS = ["*"]
    settings.AXES_ENABLED = False
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_headers_conformance, response_schema_conformance]  # fmt: skip
    headers = {name: {"Authorization": f"Token {token_for(name)}"} for name in PERSONAS}
    with connection_kept():
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    every = [result.ok() for result in schema.get_all_operations()]
    # Signing out ends the token the campaign uses; tests/portal/test_tokens.py covers it.
    operations = [op for op in every if not op.path.endswith(("/auth/logout/", "/auth/logoutall/"))]
    cases, failures, statuses = Counter(), [], Counter()
    started = time.monotonic()

    def campaign(operation, name: str) -> None:
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                             phases=[Phase.explicit, Phase.generate],
                             suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def run(case):
            cases[operation.label] += 1
            try:
                with transaction.atomic():  # a savepoint: as in production, no request poisons the next
                    response = case.call_and_validate(headers=headers[name], checks=checks)
            except (Exception, BaseExceptionGroup) as failure:
                lines = [line.strip() for line in str(failure).splitlines()]
                shown = [line for line in lines if line.startswith(SHOWN) or " is not " in line]
                failures.append((name, operation.label, shown[:5]))
            else:
                statuses[response.status_code] += 1

        run()

    with connection_kept():
        for operation in operations:
            for name in PERSONAS:
                if time.monotonic() - started < BUDGET_SECONDS:
                    campaign(operation, name)

    figures = {
        "operations": len(operations),
        "left_out": len(every) - len(operations),
        "personas": len(PERSONAS),
        "cases": sum(cases.values()),
        "failures": len(failures),
        "server_errors": sum(n for code, n in statuses.items() if code >= 500),
        "seconds": round(time.monotonic() - started),
        "statuses": dict(sorted(statuses.items())),
    }
    record("schemathesis", **figures)
    distinct = sorted({f"{label}: {lines}" for _name, label, lines in failures})
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(distinct)
    assert len(cases) == len(operations), "the time budget ran out before every operation was tried"
