"""Shared fixtures: a small world of partnerships and one persona per role.

The world has partnership ``home`` and ``neighbour`` in force area ``area``, and
partnership ``away`` in force area ``other_area``. Personas hold their role in ``home``
(or in ``area`` for force-area roles), except:
- ``other_partnership``: a manager of ``neighbour`` (same force area, other partnership);
- ``other_area_pcc``: a PCC reviewer of ``other_area``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from io import StringIO

import hypothesis
import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The ``celery_worker`` fixture: a real Celery worker for tests marked ``worker``.
pytest_plugins = ("tests.worker",)

# No timed checks: the machine running the suite is shared and noisy (and under
# pytest-xdist two workers share it), so Hypothesis's per-example deadline and its
# "input generation is slow" health check would fail tests for reasons not in the code.
hypothesis.settings.register_profile(
    "portal", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("portal")

from accounts.roles import Role  # noqa: E402
from tests.accounts.factories import UserFactory  # noqa: E402
from tests.partnerships.factories import ForceAreaFactory, PartnershipFactory  # noqa: E402

PERSONAS = (
    "anonymous",
    "viewer",
    "officer",
    "manager",
    "dhr_panel",
    "scrutiny",
    "pcc_reviewer",
    "panel_member",
    "other_partnership",
    "other_area_pcc",
    "site_admin",
)


@dataclass
class World:
    area: object
    other_area: object
    home: object
    neighbour: object
    away: object
    people: dict = field(default_factory=dict)

    def person(self, name: str):
        """The persona's user (created on first use), or None for "anonymous"."""
        if name not in self.people:
            self.people[name] = make_persona(name, self)
        return self.people[name]


def grant(user, role, *, partnership=None, force_area=None):
    from accounts.services import role_grant_create

    return role_grant_create(
        user=user, role=role, partnership=partnership, force_area=force_area, by=None
    )


def make_persona(name: str, world: World):
    if name == "anonymous":
        return None
    if name == "site_admin":
        return UserFactory(
            email="admin@example.org", name="Site Admin", is_staff=True, is_superuser=True
        )
    user = UserFactory(email=f"{name}@example.org", name=name.replace("_", " ").title())
    if name == "other_partnership":
        grant(user, Role.MANAGER, partnership=world.neighbour)
    elif name == "other_area_pcc":
        grant(user, Role.PCC_REVIEWER, force_area=world.other_area)
    elif name in (Role.PCC_REVIEWER, Role.PANEL_MEMBER):
        grant(user, name, force_area=world.area)
    else:
        grant(user, name, partnership=world.home)
    return user


@pytest.fixture
def world(db) -> World:
    area = ForceAreaFactory(name="Norfolk", slug="norfolk")
    other_area = ForceAreaFactory(name="Thames Valley", slug="thames-valley")
    home = PartnershipFactory(
        name="Norfolk County Community Safety Partnership",
        slug="norfolk-ccsp",
        short_name="CCSP",
        force_area=area,
        tier="merged_county",
    )
    neighbour = PartnershipFactory(name="Breckland Partnership", slug="breckland", force_area=area)
    away = PartnershipFactory(
        name="Safer Slough Partnership", slug="safer-slough", force_area=other_area
    )
    return World(area=area, other_area=other_area, home=home, neighbour=neighbour, away=away)


@pytest.fixture
def client_for(client, world):
    """client_for("officer") -> a test client signed in as that persona."""

    def _client(name: str):
        client.logout()
        user = world.person(name)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (pages cache fragments by data version)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# The demo data -------------------------------------------------------------------------------

# seed_demo places some returns relative to the day it runs, so it always runs on this day.
DEMO_DAY = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def seed_demo(**options) -> str:
    """Run ``manage.py seed_demo --force`` on ``DEMO_DAY``; its output."""
    import time_machine
    from django.core.management import call_command

    out = StringIO()
    with time_machine.travel(DEMO_DAY, tick=False):
        call_command("seed_demo", "--force", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The demo data, loaded once for a test class (seeding takes a few seconds) and
    rolled back when the class ends. Each test still runs in its own transaction inside."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seed_demo()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def pytest_collection_modifyitems(config, items):
    """Tests that share something expensive run on one pytest-xdist worker
    (``--dist loadgroup``; without xdist the groups mean nothing):

    - a class sharing one load of the demo data (``seeded``) loads it once, not per worker;
    - the browser tests share one Chromium and one live server, and run one after another
      while the other worker gets on with the rest;
    - the tests with a real Celery worker run one at a time, as their workers all consume
      the shared ``celery`` queue in one Redis database.
    """
    for item in items:
        if "seeded" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(f"seeded:{item.module.__name__}"))
        elif item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif item.get_closest_marker("worker"):
            item.add_marker(pytest.mark.xdist_group("celery-worker"))
