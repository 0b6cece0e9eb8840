"""`/healthz/` (issue "Scale", beyond one box): the probe a load balancer or Kubernetes asks —
200 while the database (and the broker, when there is one) answers, 500 when one does not."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from portal import health


def test_the_database_answers(db, client):
    response = client.get("/healthz/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert set(json.loads(response.content).values()) == {"OK"}  # the database (and the broker)


def test_a_broken_database_is_a_failed_probe(db, client, monkeypatch):
    from health_check.checks import Database
    from health_check.exceptions import ServiceUnavailable

    def gone(self):
        raise ServiceUnavailable("connection refused")

    monkeypatch.setattr(Database, "run", gone)
    response = client.get("/healthz/", HTTP_ACCEPT="application/json")
    assert response.status_code == 500 and "connection refused" in response.content.decode()


@pytest.mark.redis
def test_the_broker_is_checked_when_there_is_one(db, settings):
    from asgiref.sync import async_to_sync
    from health_check.views import HealthCheckView
    from redis.asyncio import Redis

    assert any(isinstance(check, tuple) and check[0].endswith("Redis") for check in health.checks())
    request = RequestFactory().get("/healthz/", HTTP_ACCEPT="application/json")
    alive = async_to_sync(HealthCheckView.as_view(checks=health.checks()))(request)
    assert alive.status_code == 200, alive.content
    dead = [
        (
            "health_check.contrib.redis.Redis",
            {"client_factory": lambda: Redis.from_url("redis://127.0.0.1:1/0")},
        )
    ]
    assert async_to_sync(HealthCheckView.as_view(checks=dead))(request).status_code == 500
