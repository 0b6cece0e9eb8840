"""`python manage.py audit_adopt`: link into the audit chains the covered rows written before
the chains existed (run once after upgrading; `make run` runs it). Rows linked this way are
vouched for from now on, not before."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal import audit


class Command(BaseCommand):
    help = "Link the transition and history rows that no audit chain covers yet."

    def handle(self, *args, **options) -> None:
        added = audit.adopt_existing()
        if added or options["verbosity"] > 1:
            self.stdout.write(f"{added} record(s) linked into the audit chains")
