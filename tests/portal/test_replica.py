"""The report replica (issue "Scale", beyond one box): with DATABASE_REPLICA_URL set, the report
pages, the report API and the report downloads read from a second database; every write and every
read outside a report stays on the primary.

The second database is real (an SQLite database of its own, or `<test database>_replica` on
PostgreSQL; tests/conftest.py). Replication is played by copying the primary's rows into it;
then the primary moves on, and what the report shows tells which database it read."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from monitoring.models import ExportJob
from monitoring.summary import summary
from portal.models import Notification, Unit
from portal.routers import reading_reports
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def routed(settings):
    if settings.DATABASES["replica"]["TEST"].get("MIRROR"):
        pytest.skip("DATABASE_REPLICA_URL is set: the test replica mirrors the test database")
    settings.DATABASE_ROUTERS = ["portal.routers.ReportReplicaRouter"]


def replicate() -> None:
    """What streaming replication does: the replica receives the primary's rows."""
    from django.core import serializers

    rows = connections["default"].creation.serialize_db_to_string()
    replica = connections["replica"]
    # The replica holds the primary's rows and no others: its own migrations made content types
    # and permissions whose ids need not be the primary's. Every table is emptied (a flush would
    # empty only the tables the router lets migrate there).
    from django.core.management.color import no_style

    tables = [name for name in replica.introspection.table_names() if name != "django_migrations"]
    # In any order: a child row must not stop its parent's table from being emptied.
    with replica.constraint_checks_disabled(), replica.cursor() as cursor:
        for statement in replica.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(statement)
    with transaction.atomic(using="replica"), replica.constraint_checks_disabled():
        for row in serializers.deserialize("json", rows, using="replica"):
            row.save(using="replica")


def submitted(figures: dict) -> int:
    return figures["proposals"]["by_status"]["submitted"]


def test_the_report_page_reads_the_replica(demo, routed, client):
    make_proposal(demo["cadre_a"], "submitted")
    replicate()
    make_proposal(demo["cadre_b"], "submitted")  # on the primary only, not yet replicated
    root = Unit.objects.get(code="UBND")
    today = datetime.date.today()
    assert submitted(summary(demo["orgcom"], root, today, today)) == 2  # outside a report: the primary

    client.force_login(demo["orgcom"])
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        page = client.get("/reports/", {"unit": "UBND", "period": "year"})
    assert page.status_code == 200
    assert submitted(page.context["figures"]) == 1  # what the replica holds
    assert len(on_replica) > 5
    # The session and the signed-in person came from the primary.
    assert not any("django_session" in query["sql"] for query in on_replica.captured_queries)


def test_the_report_api_reads_the_replica(demo, routed, as_):
    replicate()
    make_proposal(demo["cadre_a"], "submitted")
    today = datetime.date.today().isoformat()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        answer = as_("orgcom").get("/api/v1/reports/summary/", {"unit": "UBND", "from": today, "to": today})
    assert answer.status_code == 200 and submitted(answer.json()) == 0
    assert len(on_replica) > 5


def test_a_download_is_drawn_from_the_replica_and_its_job_written_to_the_primary(
    demo, routed, settings, tmp_path
):
    from monitoring.services import export_request

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    replicate()
    today = datetime.date.today()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        job = export_request(
            actor=demo["orgcom"], unit=Unit.objects.get(code="UBND"), start=today, end=today, kind="xlsx"
        )  # the task runs in-process once the job is committed
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.file
    assert len(on_replica) > 5 and not any("FOR UPDATE" in q["sql"] for q in on_replica.captured_queries)
    assert not ExportJob.objects.using("replica").exists()  # written to the primary alone


def test_under_a_report_writes_and_reads_in_a_transaction_stay_on_the_primary(demo, routed):
    replicate()
    with reading_reports():
        assert router.db_for_read(Unit) == "replica"
        notice = Notification.objects.create(recipient=demo["cadre_a"], kind="test", texts={})
        assert router.db_for_write(Notification) == "default"
        with transaction.atomic(), CaptureQueriesContext(connections["replica"]) as on_replica:
            Notification.objects.select_for_update().get(pk=notice.pk)
        assert len(on_replica) == 0
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == "default"
    assert Notification.objects.filter(pk=notice.pk).exists()
    assert not Notification.objects.using("replica").filter(pk=notice.pk).exists()
    assert router.db_for_read(Unit) == "default"  # outside a report


def test_migrations_run_on_the_primary_only(routed):
    assert router.allow_migrate("default", "proposals") is True
    assert router.allow_migrate("replica", "proposals") is False


def test_without_the_router_a_report_reads_the_primary(demo):
    replicate()
    make_proposal(demo["cadre_a"], "submitted")
    today = datetime.date.today()
    with reading_reports(), CaptureQueriesContext(connections["replica"]) as on_replica:
        figures = summary(demo["orgcom"], Unit.objects.get(code="UBND"), today, today)
    assert submitted(figures) == 1 and len(on_replica) == 0


PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', [])]))"
)


def _settings_with(**env: str) -> list:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URL")}
    clean.update(env, DJANGO_SECRET_KEY="k" * 60, DJANGO_SETTINGS_MODULE="portal.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(databases=[])
def test_the_replica_and_its_router_come_with_database_replica_url_alone():
    assert _settings_with() == [["default"], []]
    assert _settings_with(DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/portal") == [
        ["default", "replica"],
        ["portal.routers.ReportReplicaRouter"],
    ]
