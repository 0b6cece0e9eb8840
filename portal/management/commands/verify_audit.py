"""`python manage.py verify_audit [--proposal ID]`: recompute every audit chain (or one
dossier's) and exit non-zero naming the first broken record (CONTRACT, Evidence)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from portal import audit
from portal.models import AuditChain, AuditLink


class Command(BaseCommand):
    help = (
        "Check that no transition or history row was changed, deleted or inserted behind the portal's back."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--proposal", type=int, help="check the dossier of one proposal only")

    def handle(self, *args, proposal: int | None = None, **options) -> None:
        broken = audit.verify(proposal)
        if broken:
            for problem in broken[1:]:
                self.stderr.write(f"also broken: {problem}")
            raise CommandError(f"audit trail broken: {broken[0]} ({len(broken)} dossier(s) broken)")
        chains = AuditChain.objects.all() if proposal is None else AuditChain.objects.filter(pk=proposal)
        links = AuditLink.objects.all() if proposal is None else AuditLink.objects.filter(dossier=proposal)
        self.stdout.write(f"audit trail intact: {chains.count()} dossier(s), {links.count()} record(s)")
