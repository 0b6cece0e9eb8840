"""Shared fixtures: the demo personas, API clients, and the skips for real services.

Tests that need PostgreSQL, Redis or Chromium say so with a marker; elsewhere they skip with
the reason, and `.ci/run` (which has all three) runs them.
"""

from __future__ import annotations

import datetime
import os
import shutil

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from portal.models import User

CHROMIUM = "/usr/bin/chromium"


def _needs(item, marker: str) -> str | None:
    if marker == "postgres" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "needs PostgreSQL: set DATABASE_URL=postgres://... (.ci/run does)"
    if marker == "redis" and not os.environ.get("REDIS_URL", "").startswith("redis"):
        return "needs Redis: set REDIS_URL=redis://... (.ci/run does)"
    if marker == "e2e" and not shutil.which(CHROMIUM):
        return f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium (.ci/run does)"
    return None


def pytest_configure(config) -> None:
    """Tests speak plain HTTP (the test client and the live server for the browser tests);
    everything else keeps the production settings."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    _replica_database(settings)


def _replica_database(settings) -> None:
    """A second database, "replica", for the report replica's tests (tests/portal/test_replica.py):
    created only when a test asks for it, never routed to unless that test turns the router on.
    On SQLite an in-memory database of its own; on PostgreSQL `<the test database>_replica`."""
    from django.db import connections

    if "replica" in settings.DATABASES:  # DATABASE_REPLICA_URL set: the settings' own mirror
        return
    default = settings.DATABASES["default"]
    replica = {key: value for key, value in default.items() if key != "TEST"}
    if default["ENGINE"].endswith("sqlite3"):
        replica["TEST"] = {"NAME": None}  # file:memorydb_replica?mode=memory
    else:
        test_name = (default.get("TEST") or {}).get("NAME") or f"test_{default['NAME']}"
        replica["TEST"] = {"NAME": f"{test_name}_replica"}
    settings.DATABASES["replica"] = replica
    connections.configure_settings(settings.DATABASES)  # the defaults Django gives every alias


def pytest_sessionstart(session) -> None:
    from tests import trust

    trust.clear()


def pytest_terminal_summary(terminalreporter) -> None:
    """The figures of the standing trust tests that ran (tests/trust.py)."""
    from tests import trust

    figures = trust.recorded()
    if figures:
        terminalreporter.section("trust figures")
        for name, values in figures.items():
            terminalreporter.write_line(
                f"{name}: " + ", ".join(f"{key} {value}" for key, value in values.items())
            )


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        for marker in ("postgres", "redis", "e2e"):
            if item.get_closest_marker(marker):
                reason = _needs(item, marker)
                if reason and os.environ.get("CI") == "true":
                    # CI has every service: a skip there would hide a broken setup.
                    raise pytest.UsageError(f"{item.nodeid}: {reason}")
                if reason:
                    item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    """Fast password hashing and the test client's host name."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in the test's own process even when REDIS_URL is set; the worker tests start a
    real worker instead."""
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def demo(db) -> dict[str, User]:
    """The demo organisation of shared/CONTRACT.md, by username (without the demo proposals,
    which `demo_full` adds)."""
    call_command("seed_demo", "--force", "--organisation-only", verbosity=0)
    return {user.username: user for user in User.objects.select_related("unit")}


def api_client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api():
    return api_client_for


@pytest.fixture
def as_(demo, api):
    """An API client signed in as a demo user: `as_("head_a").get(...)`."""
    return lambda username: api(demo[username])


@pytest.fixture
def demo_full(db) -> dict[str, User]:
    """Everything `make run` shows: the organisation and the demo proposals in every state."""
    call_command("seed_demo", "--force", verbosity=0)
    return {user.username: user for user in User.objects.select_related("unit")}


@pytest.fixture
def collectives(demo) -> dict[str, User]:
    """Six more deputies in each unit that decides in the tests (UBND, SKHDT, SNV), so that a
    collective of seven can cast the votes a test counts. The demo itself keeps one deputy
    (deputy_a): there a roll of two bounds every vote."""
    from portal.models import RoleAssignment, Unit

    for code in ("UBND", "SKHDT", "SNV"):
        unit = Unit.objects.get(code=code)
        for number in range(1, 7):
            person = User.objects.create_user(
                username=f"pho_{code.lower()}_{number}",
                password="x",
                full_name=f"Phó {code} {number}",
                unit=unit,
            )
            RoleAssignment.objects.create(
                user=person, role=RoleAssignment.Role.DEPUTY, unit=unit, started_on=datetime.date(2020, 1, 1)
            )
    return {user.username: user for user in User.objects.select_related("unit")}


def demo_totp(secret: str = "JBSWY3DPEHPK3PXP") -> str:  # noqa: S107 - the documented demo secret
    """The current code of the demo's TOTP devices (CONTRACT: RFC 6238, SHA-1, 6 digits, 30 s)."""
    import base64
    import time

    from django_otp.oath import TOTP

    generator = TOTP(base64.b32decode(secret), step=30, digits=6)
    generator.time = time.time()
    return f"{generator.token():06d}"
