"""Generated data at the size of a whole country (issue "Scale"), for `generate_scale_data`.

Units after the 2025 reform (one national root, ministries with their departments, 34 provinces
of very different sizes with their departments and communes), people spread over them in
proportion to a unit's size, proposals in every state written by those people, pilots of the
approved ones in every state with implementers, indicators, progress reports and indicator
values, accountability cases of the failed evaluations, history rows and transition rows for
every state change, and the per-object grants the services give (co-implementers, implementers,
inspectors).

Every row is made by the database in `INSERT … SELECT` statements over a series, so a million
proposals take minutes. Randomness is a hash of (seed, what, row number): the same seed gives
the same rows, on PostgreSQL and on SQLite (where the same functions are registered in Python).
Rows go straight into the tables, as a migration would: the services are not called, so no
notification is sent and the audit chain does not cover them (`audit_adopt` adopts them).

The parts: `shape` (sizes, shares, personas), `sql` (the functions both databases share and the
`INSERT … SELECT` helpers), `org` (units, people, roles, grants), `work` (proposals, pilots,
reports, cases); `generate` runs them in order in one transaction.
"""

from __future__ import annotations

import time

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from monitoring.scale_data.org import _grants, _personas, _reset_sequences, _roles, _units, _users
from monitoring.scale_data.shape import BENCH_PASSWORD, PERSONAS, SQLITE_LIMIT, Made, Refused, Sizes
from monitoring.scale_data.sql import Dialect
from monitoring.scale_data.work import _cases, _pilots, _proposals, _reports
from portal.models import Unit

# --- the generation --------------------------------------------------------------------------


def generate(sizes: Sizes, *, stdout=None) -> Made:
    """Fill an empty portal database; refuse one that already holds units."""
    if (
        connection.vendor != "postgresql"
        and max(sizes.proposals, sizes.users, sizes.reports / 3) > SQLITE_LIMIT
    ):
        raise Refused(
            f"SQLite takes at most {SQLITE_LIMIT:,} generated proposals and people: it writes from one "
            "process, holds the whole file locked meanwhile and has no parallel plans, so the national size "
            "would take hours and measure nothing a deployment runs. Set DATABASE_URL to PostgreSQL."
        )
    if Unit.objects.exists():
        raise Refused("the database already holds units: generate into an empty, migrated database")
    if sizes.units < 200 or sizes.users < sizes.units * 3:
        raise Refused("at least 200 units and three people per unit")
    made = Made()
    with transaction.atomic(), connection.cursor() as cursor:
        dialect = Dialect(cursor, sizes.seed, timezone.localdate())
        steps = (
            ("units", lambda: _units(cursor, sizes)),
            ("users", lambda: _users(cursor, dialect, sizes)),
            ("roles", lambda: _roles(cursor, dialect)),
            ("proposals", lambda: _proposals(cursor, dialect, sizes)),
            ("pilots", lambda: _pilots(cursor, dialect, sizes)),
            ("reports", lambda: _reports(cursor, dialect, sizes)),
            ("cases", lambda: _cases(cursor, dialect)),
            ("grants", lambda: _grants(cursor, dialect)),
        )
        for name, step in steps:
            started = time.perf_counter()
            made.counts[name] = step()
            made.seconds[name] = time.perf_counter() - started
            if stdout:
                stdout.write(f"  {name}: {made.counts[name]:,} rows in {made.seconds[name]:.1f} s")
        made.personas = _personas(cursor, make_password(BENCH_PASSWORD))
        _reset_sequences(cursor)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does on a live database after such a load
    return made


__all__ = ["BENCH_PASSWORD", "PERSONAS", "SQLITE_LIMIT", "Made", "Refused", "Sizes", "generate"]
