"""manage.py demo_logins: the portal's address, one demo sign-in per role, and where the
demo's plans and returns are (so the officer knows where to start)."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urljoin

from django.core.management.base import BaseCommand
from django.urls import reverse

from accounts.models import User
from demo.people import DEMO_PASSWORD, demo_people
from partnerships.models import ForceArea, Partnership
from performance.models import PerformanceReturn
from priorities.models import Plan, financial_year_label

DEFAULT_ADDRESS = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = "Print the portal's address and the demo sign-in (email and password) for each role."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--address", default=DEFAULT_ADDRESS, help="The portal's address.")

    def handle(self, *args, address: str = DEFAULT_ADDRESS, **options) -> None:
        self._sign_ins(address)
        self._plans_and_returns(address)

    def _sign_ins(self, address: str) -> None:
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

    def _plans_and_returns(self, address: str) -> None:
        """Each partnership's adopted plan and its returns, with their state (two queries)."""
        plans = list(
            Plan.objects.filter(status=Plan.Status.ADOPTED)
            .select_related("partnership")
            .order_by("partnership__name")
        )
        if not plans:
            return
        returns = defaultdict(list)
        for ret in (
            PerformanceReturn.objects.select_related("period")
            .filter(partnership__in=[p.partnership_id for p in plans])
            .order_by("period__financial_year", "period__quarter")
        ):
            state = ret.get_status_display().lower()
            if ret.is_overdue():
                state += ", overdue"
            returns[ret.partnership_id].append(f"{ret.period.label} {state}")
        self.stdout.write("")
        self.stdout.write(
            "Plans and quarterly returns (sign in as the partnership's officer or manager; "
            "Norfolk's are the seed documents' own):"
        )
        for plan in plans:
            partnership = plan.partnership
            page = reverse("partnerships:detail", kwargs={"partnership": partnership.slug})
            self.stdout.write(f"  {partnership.name}: {urljoin(address, page)}")
            years = (
                financial_year_label(plan.first_year)
                if plan.first_year == plan.last_year
                else plan.period_label
            )
            made = "; ".join(returns[partnership.pk]) or "none"
            self.stdout.write(f"    {plan.title} ({years}). Returns: {made}.")
