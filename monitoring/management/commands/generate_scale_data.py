"""`python manage.py generate_scale_data`: a whole country's data in an empty, migrated database
(see monitoring/scale_data/), for the benchmarks of issue "Scale"."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from monitoring.scale_data import PERSONAS, Refused, Sizes, generate


class Command(BaseCommand):
    help = "Fill an empty, migrated database with generated units, people, proposals, pilots and reports."

    def add_arguments(self, parser) -> None:
        defaults = Sizes()
        for name in ("units", "users", "proposals", "pilots", "reports", "seed"):
            parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))

    def handle(self, *args, **options) -> None:
        sizes = Sizes(**{name: options[name] for name in Sizes.__dataclass_fields__})
        if min(sizes.units, sizes.users, sizes.proposals) <= 0 or min(sizes.pilots, sizes.reports) < 0:
            raise CommandError("sizes are positive numbers")
        started = time.perf_counter()
        try:
            generate(sizes, stdout=self.stdout)
        except Refused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            f"generated in {time.perf_counter() - started:.1f} s; personas (password in "
            f"monitoring/scale_data/): {', '.join(PERSONAS)}"
        )
