"""Demo people: one per role, all with the demo password, roles granted the audited way.

The demo password is set here and nowhere else, and seed_demo refuses to run unless
DEBUG is on (or --force is given), so it never reaches a real deployment by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password

from accounts.models import RoleGrant, User
from accounts.roles import Role
from accounts.services import role_grant_create
from demo.base import (
    CREATED,
    UNCHANGED,
    DemoDataError,
    LoadResult,
    read_demo_file,
    upsert,
)
from partnerships.models import ForceArea, Partnership

DEMO_PASSWORD = "csp-portal-demo"  # noqa: S105 (printed by demo_logins; local demo only)
# A fixed salt gives every run the same hash, so seeding again compares strings instead
# of hashing once per person (PBKDF2 is slow on purpose). 22 characters, like Django's
# own salts, so signing in does not trigger a re-hash.
_DEMO_SALT = "cspPortalDemoSalt2025x"  # noqa: S105


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    job_title: str
    role: str = ""  # a Role value; "" for the site administrator
    partnership: str = ""  # slug, for partnership roles
    force_area: str = ""  # slug, for force-area roles
    site_admin: bool = False

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else "Site administrator"

    @property
    def scope_slug(self) -> str:
        return self.partnership or self.force_area


def demo_people() -> list[DemoPerson]:
    people = read_demo_file("people.json")["people"]
    return [DemoPerson(**{k: v for k, v in p.items() if not k.startswith("_")}) for p in people]


def load_people() -> LoadResult:
    result = LoadResult("People")
    people = demo_people()
    password = make_password(DEMO_PASSWORD, salt=_DEMO_SALT)
    users = User.objects.in_bulk([p.email for p in people], field_name="email")
    partnerships = Partnership.objects.in_bulk(
        [p.partnership for p in people if p.partnership], field_name="slug"
    )
    force_areas = ForceArea.objects.in_bulk(
        [p.force_area for p in people if p.force_area], field_name="slug"
    )
    for person in people:
        user, outcome = upsert(
            User,
            lookup={"email": person.email},
            values={
                "name": person.name,
                "job_title": person.job_title,
                "password": password,
                "is_active": True,
                "is_staff": person.site_admin,
                "is_superuser": person.site_admin,
            },
            existing=users.get(person.email),
        )
        result.count("demo people", outcome)
        if person.role:
            result.count("role grants", _grant(user, person, partnerships, force_areas))
    return result


def _grant(
    user: User,
    person: DemoPerson,
    partnerships: dict[str, Partnership],
    force_areas: dict[str, ForceArea],
) -> str:
    scope: dict[str, Any] = {}
    if person.partnership:
        scope["partnership"] = partnerships.get(person.partnership)
    if person.force_area:
        scope["force_area"] = force_areas.get(person.force_area)
    if not scope or None in scope.values():
        raise DemoDataError(f"people.json: {person.email} has no known partnership or force area")
    if RoleGrant.objects.active().filter(user=user, role=person.role, **scope).exists():
        return UNCHANGED
    role_grant_create(user=user, role=person.role, by=None, **scope)
    return CREATED
