"""manage.py seed_demo: load the reference data and the demo data, in one transaction."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.loaders import LOADERS


class Command(BaseCommand):
    help = (
        "Load the reference data (force areas, statutory duties) and the demo partnerships "
        "and people drawn from the seed documents. Safe to run again: it changes nothing "
        "that is already as the demo files say. Sets a known password on the demo people, "
        "so it refuses to run when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never on a real deployment: the demo "
            "people get a published password).",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates people with a published demo password, so it only runs "
                "with DEBUG on. Use --force to run it anyway, never on a real deployment."
            )
        with transaction.atomic():
            results = [loader() for loader in LOADERS]
        for result in results:
            self.stdout.write(result.summary())
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded. manage.py demo_logins lists the sign-ins.")
        )
