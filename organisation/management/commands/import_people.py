"""`python manage.py import_people units.csv people.csv [--dry-run] [--by admin]` (or one .xlsx
workbook with a sheet of each): every problem listed by file and line, nothing changed; else
everything created or updated in one transaction. The same files again change nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisation import imports, services
from portal.errors import NotAllowed
from portal.models import User


class Command(BaseCommand):
    help = "Import units and people from CSV or XLSX files (an HR export); --dry-run only checks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="List the problems and changes; change nothing."
        )
        parser.add_argument("--by", default="admin", help="The administrator it is recorded under.")

    def handle(self, *args, files: list[Path], dry_run: bool, by: str, **options) -> None:
        actor = User.objects.filter(username=by).first()
        if actor is None:
            raise CommandError(f"There is no user {by!r}.")
        try:
            tables = imports.read([(path.name, path.read_bytes()) for path in files])
            checked = services.people_import(actor=actor, tables=tables, dry_run=dry_run)
        except OSError as error:
            raise CommandError(str(error)) from None
        except (imports.UnreadableFile, NotAllowed) as error:
            raise CommandError(str(error)) from None
        for where, problem in checked.problems:
            self.stdout.write(f"{where}: {problem}")
        if checked.problems:
            raise CommandError(f"{len(checked.problems)} problem(s); nothing was changed.")
        self.stdout.write(
            f"{'Would change' if dry_run else 'Changed'}: {len(checked.new_units)} new units, "
            f"{len(checked.changed_units)} changed, {len(checked.new_people)} new people, "
            f"{len(checked.changed_people)} changed, {len(checked.new_roles)} new roles"
            + (" — nothing to do." if not checked.changes else ".")
        )
