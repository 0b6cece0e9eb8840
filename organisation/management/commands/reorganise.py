"""`python manage.py reorganise plan.yaml [--dry-run] [--by admin]`: a batch (a province's whole
merger in one file) checked, shown and applied in one transaction; the same file again is a no-op."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from organisation import services
from organisation.models import Reorganisation
from organisation.plan import PlanError, read
from portal.errors import DomainError, NotAllowed
from portal.models import User


class Command(BaseCommand):
    help = "Check, preview (--dry-run) or apply a reorganisation plan (YAML or JSON)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("plan", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Show what would move; change nothing.")
        parser.add_argument("--by", default="admin", help="The administrator it is recorded under.")

    def handle(self, *args, plan: Path, dry_run: bool, by: str, verbosity: int, **options) -> None:
        actor = User.objects.filter(username=by).first()
        if actor is None:
            raise CommandError(f"There is no user {by!r}.")
        try:
            loaded = read(plan.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {plan}: {error}") from None
        except PlanError as error:
            raise CommandError("\n".join(error.problems)) from None
        existing = Reorganisation.objects.filter(fingerprint=loaded.fingerprint).first()
        if existing is not None and existing.status != Reorganisation.Status.PLANNED:
            self.stdout.write(
                f"Already {existing.status} (#{existing.pk}, {existing.reference}): nothing to do."
            )
            return
        try:
            if dry_run:
                outcome = services.reorganisation_preview(actor=actor, plan=loaded)
                self._show(outcome.as_json(), verbosity, heading="Would change (nothing changed):")
                return
            with transaction.atomic():
                reorganisation, _new = services.reorganisation_load(actor=actor, plan=loaded)
                if reorganisation.effective_on > timezone.localdate():
                    self.stdout.write(
                        f"Planned (#{reorganisation.pk}); "
                        f"it is applied on {reorganisation.effective_on:%d/%m/%Y}."
                    )
                    return
                reorganisation = services.reorganisation_apply(actor=actor, reorganisation=reorganisation)
        except PlanError as error:
            raise CommandError("\n".join(error.problems)) from None
        except (NotAllowed, DomainError) as error:
            raise CommandError(error.message) from None
        self._show(reorganisation.outcome, verbosity, heading=f"Applied (#{reorganisation.pk}):")

    def _show(self, outcome: dict, verbosity: int, *, heading: str) -> None:
        self.stdout.write(heading)
        for number, step in enumerate(outcome["steps"], start=1):
            moved = (
                ", ".join(f"{label} {count}" for label, count in step.get("records", {}).items())
                or "no records"
            )
            where = step.get("into") or step.get("to") or step.get("name", [""])[-1]
            self.stdout.write(
                f"  {number}. {step['kind']} {', '.join(step['units'])} → {where}: {moved}; "
                f"people {step.get('people', 0)}, roles ended {step.get('roles_ended', 0)}"
            )
        if verbosity > 1:
            for label, pk, field, before, after in outcome["records"]:
                self.stdout.write(f"     {label}:{pk} {field} {before or '·'} → {after}")
        self.stdout.write(f"  {len(outcome['records'])} unit fields of open records in all.")
