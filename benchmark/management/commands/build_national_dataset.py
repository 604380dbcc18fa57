"""manage.py build_national_dataset --settings=benchmark.settings, into an empty, migrated database
(benchmark/run.py makes one)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from benchmark import dataset
from benchmark.constants import PASSWORD


class Command(BaseCommand):
    help = "Build the synthetic national data set: 43 force areas, 300 partnerships, 10 years of returns."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--partnerships", type=int, default=dataset.PARTNERSHIPS)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, partnerships: int, seed: int, **options) -> None:
        started = time.monotonic()
        built = dataset.build(seed=seed, partnerships=partnerships, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {built.partnerships} partnerships, {built.returns} returns and {built.values} measure "
                f"values in {time.monotonic() - started:.0f} s. Sign in as {built.users} with password "
                f"{PASSWORD!r}."
            )
        )
