"""manage.py outbox_relay: publish the outbox's pending tasks now (docs/faults.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from csp_portal.lib.outbox import relay


class Command(BaseCommand):
    help = "Publish the outbox's pending tasks to the broker (beat does it every minute)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ignore-backoff",
            action="store_true",
            help="Publish every pending row now, not only those whose retry time has come.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = relay(ignore_backoff=options["ignore_backoff"])
        self.stdout.write(
            f"{result.sent} sent, {result.failed} failed, {result.pending} still pending"
        )
        if result.failed:
            self.stderr.write("The broker refused a task; the pending ones will be tried again.")
