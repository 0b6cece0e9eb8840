"""A database that went away (a dropped connection, a restart) is not the request's fault: on
`main` it was a 500; now 503 with Retry-After — JSON under /api/, a page elsewhere — and the
connection kept between requests is checked before reuse (the fault drill drops them for real,
tests/portal/test_fault_drills.py)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client


def test_the_api_answers_503_in_json(demo):
    client = Client(raise_request_exception=False)
    client.force_login(demo["cadre_a"])
    gone = OperationalError("terminating connection due to administrator command")
    with mock.patch("proposals.api.ProposalViewSet.list", side_effect=gone):
        response = client.get("/api/v1/proposals/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "detail" in response.json()


def test_a_page_answers_503_with_a_page(demo):
    client = Client(raise_request_exception=False)
    client.force_login(demo["cadre_a"])
    with mock.patch(
        "portal.views.work.sections_for", side_effect=InterfaceError("connection already closed")
    ):
        response = client.get("/")
    assert response.status_code == 503 and b"<html" in response.content


def test_other_errors_stay_500(demo):
    client = Client(raise_request_exception=False)
    client.force_login(demo["cadre_a"])
    with mock.patch("proposals.api.ProposalViewSet.list", side_effect=RuntimeError("a bug")):
        assert client.get("/api/v1/proposals/").status_code == 500


@pytest.mark.postgres
def test_kept_connections_are_checked_before_reuse(settings):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 60
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
