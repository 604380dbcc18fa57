"""manage.py demo_logins: the portal's address and one demo sign-in per role."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.models import User
from csp_portal.demo.people import DEMO_PASSWORD, demo_people
from partnerships.models import ForceArea, Partnership

DEFAULT_ADDRESS = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = "Print the portal's address and the demo sign-in (email and password) for each role."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--address", default=DEFAULT_ADDRESS, help="The portal's address.")

    def handle(self, *args, address: str = DEFAULT_ADDRESS, **options) -> None:
        people = demo_people()
        names = dict(Partnership.objects.values_list("slug", "name"))
        names.update(
            (slug, f"{name} police force area")
            for slug, name in ForceArea.objects.values_list("slug", "name")
        )
        seeded = set(
            User.objects.filter(email__in=[p.email for p in people]).values_list("email", flat=True)
        )
        self.stdout.write(f"CSP Portal: {address}")
        self.stdout.write("")
        self.stdout.write("Demo sign-ins:")
        rows = [
            (
                f"{p.role_label}, {names.get(p.scope_slug, p.scope_slug)}"
                if p.scope_slug
                else p.role_label,
                p.email,
                "" if p.email in seeded else "  (not loaded yet: run manage.py seed_demo)",
            )
            for p in people
        ]
        label_width = max(len(label) for label, _, _ in rows)
        email_width = max(len(email) for _, email, _ in rows)
        for label, email, missing in rows:
            self.stdout.write(
                f"  {label:<{label_width}}  {email:<{email_width}}  password: {DEMO_PASSWORD}{missing}"
            )
