"""The report replica (issue "Scale", beyond one box): with `DATABASE_REPLICA_URL` set, the reads of
the report pages, the report API and the report downloads go to a read-only copy of the database,
so that a national report does not compete with the cadres' writes. Everything else — every
write, every read outside a report, and every read inside a transaction — stays on `default`.

The report code itself knows nothing of this: its callers run it under `reading_reports()`
(a context manager and a decorator), and the router below sends what it reads to the replica.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.db import connections

DEFAULT = "default"
REPLICA = "replica"
# Sessions, tokens and the lockout are read from the primary even during a report: a sign-in or a
# lockout the replica has not received yet must not count as absent.
PRIMARY_ONLY = {"sessions", "knox", "axes"}

# Per thread and per task: a report running in one request never routes another request's reads.
_reading = contextvars.ContextVar("reading_reports", default=False)


@contextmanager
def reading_reports():
    """`with reading_reports():` or `@reading_reports()`: the reads inside go to the replica when
    there is one."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReportReplicaRouter:
    """Reads under `reading_reports()` go to the replica; all else to `default`."""

    def db_for_read(self, model, **hints) -> str:
        if (
            _reading.get()
            and REPLICA in connections.settings
            and model._meta.app_label not in PRIMARY_ONLY
            # Inside a transaction a read must see that transaction's own writes and locks
            # (a download job taken with select_for_update), which only the primary has.
            and not connections[DEFAULT].in_atomic_block
        ):
            return REPLICA
        return DEFAULT

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT  # the replica receives its schema by replication
