"""`/healthz/` (issue "Scale", beyond one box): whether this instance can reach its database and,
when it has one, its broker — for a load balancer's or Kubernetes' probes (django-health-check).
200 when both answer, 500 otherwise; JSON for `Accept: application/json`."""

from __future__ import annotations

from django.conf import settings
from health_check.views import HealthCheckView


def _broker():
    from redis.asyncio import Redis

    return Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)


def checks() -> list:
    found: list = ["health_check.checks.Database"]
    if settings.REDIS_URL:
        found.append(("health_check.contrib.redis.Redis", {"client_factory": _broker}))
    return found


def view():
    return HealthCheckView.as_view(checks=checks())
