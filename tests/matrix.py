"""The permission matrix: every URL pattern × every persona, with the expected answer.

Each app lists its routes in ``tests/<app>/routes.py`` as ``ROUTES``;
``tests/test_permission_matrix.py`` checks every entry and fails if a URL pattern of the
project has no entry.

One test per route: the world and every persona are built once, the route's ``setup``
builds the objects its URL points at once, then ``check_route`` asks the URL as each
persona in turn inside a savepoint that is rolled back afterwards. ``url`` and ``data``
run again for every persona inside that savepoint, so each persona starts from the objects
as the setup left them and one persona's POST cannot change what the next one sees; the
cache and the access cache are emptied between personas. Every mismatch is collected, so a
failing route lists all the personas that answered wrongly, not just the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.test import Client

from csp_portal.lib.access import forget_access
from tests.conftest import PERSONAS, World

# People with a role that reaches the "home" partnership.
HOME_MEMBERS = frozenset(
    {"viewer", "officer", "manager", "dhr_panel", "scrutiny", "pcc_reviewer", "panel_member"}
)
# People with no role reaching "home": another partnership's manager (same force area)
# and another force area's PCC reviewer.
OUTSIDERS = frozenset({"other_partnership", "other_area_pcc"})

LOGIN = 302


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[World], str]
    expect: dict[str, int]
    method: str = "GET"
    data: Callable[[World], dict] | None = None
    content_type: str | None = None
    # Extra setup run before the request (create the objects the URL points at).
    setup: Callable[[World], Any] | None = None
    note: str = ""
    id_suffix: str = field(default="")

    def __post_init__(self) -> None:
        missing = set(PERSONAS) - set(self.expect)
        if missing:
            raise ValueError(f"{self.name}: no expectation for {sorted(missing)}")

    @property
    def test_id(self) -> str:
        return f"{self.method} {self.name}{self.id_suffix}"


def everyone(status: int = 200, anonymous: int = LOGIN) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status) | {"anonymous": anonymous}


def partnership_page(
    allowed: set[str] | frozenset[str],
    *,
    ok: int = 200,
    denied: int = 403,
    outsider: int = 404,
    anonymous: int = LOGIN,
) -> dict[str, int]:
    """A page of the "home" partnership: ``allowed`` get ``ok``, other members ``denied``,
    people with no standing 404 (the partnership's existence is not disclosed)."""
    unknown = set(allowed) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas {unknown}")
    result = {}
    for persona in PERSONAS:
        if persona == "anonymous":
            result[persona] = anonymous
        elif persona in allowed or persona == "site_admin":
            result[persona] = ok
        elif persona in OUTSIDERS:
            result[persona] = outsider
        else:
            result[persona] = denied
    return result


def api_endpoint(
    allowed: set[str] | frozenset[str], *, ok: int = 200, denied: int = 403, outsider: int = 404
) -> dict[str, int]:
    """As ``partnership_page``, but anonymous callers get 401 (no login redirect for APIs)."""
    return partnership_page(allowed, ok=ok, denied=denied, outsider=outsider, anonymous=401)


# Checking a route ---------------------------------------------------------------------------


def request(route: Route, world: World, client: Client) -> tuple[str, Any]:
    """Ask the route's URL with ``client`` (the route's setup has run): (url, response)."""
    url = route.url(world)
    data = route.data(world) if route.data else {}
    if route.method == "GET":
        return url, client.get(url, data)
    send = getattr(client, route.method.lower())
    if route.content_type:
        return url, send(url, data, content_type=route.content_type)
    return url, send(url, data)


def problem_with(route: Route, persona: str, url: str, response: Any) -> str | None:
    expected = route.expect[persona]
    if response.status_code != expected:
        return f"{route.method} {url} as {persona}: expected {expected}, got {response.status_code}"
    if expected == 302 and persona == "anonymous" and route.name != "accounts:sign_out":
        location = response["Location"]
        if "/accounts/sign-in/" not in location and not location.startswith("/admin/login"):
            return f"{route.method} {url} as anonymous: redirected to {location}, not to sign in"
    return None


def _sign_in(client: Client, world: World, persona: str) -> Client:
    client.logout()
    user = world.person(persona)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _restore(world: World, attributes: dict[str, Any]) -> None:
    """Put the world back as it was before a persona's check: the attributes a setup added
    (``w.ret``...) go, the rows are re-read (the savepoint rolled them back, but a setup may
    have changed the Python objects), and no cached page fragment or access survives."""
    for name in set(vars(world)) - set(attributes):
        delattr(world, name)
    for name, value in attributes.items():
        setattr(world, name, dict(value) if name == "people" else value)
    for place in (world.area, world.other_area, world.home, world.neighbour, world.away):
        place.refresh_from_db()
    for user in world.people.values():
        if user is not None:
            forget_access(user)
            user.refresh_from_db()
    cache.clear()


def check_route(
    route: Route, world: World, client: Client, personas: tuple[str, ...] = PERSONAS
) -> list[str]:
    """Ask ``route`` as every persona; return every answer that differs from
    ``route.expect`` (an empty list when all agree).

    The route's ``setup`` runs once, inside a savepoint; each persona's ``url``, ``data``
    and request run inside a savepoint of their own, rolled back afterwards, so every
    persona finds the objects exactly as the setup left them, whatever the one before
    posted. Both savepoints are rolled back at the end: the world is as it was.
    """
    # Every persona exists before the first savepoint, so none is rolled away.
    for persona in PERSONAS:
        world.person(persona)
    before_setup = dict(vars(world)) | {"people": dict(world.people)}
    problems = []
    with transaction.atomic():
        try:
            if route.setup:
                route.setup(world)
        except Exception as exc:
            problems.append(f"{route.test_id}: setup raised {type(exc).__name__}: {exc}")
        after_setup = dict(vars(world)) | {"people": dict(world.people)}
        for persona in personas if not problems else ():
            problem = None
            with transaction.atomic():
                try:
                    url, response = request(route, world, _sign_in(client, world, persona))
                    problem = problem_with(route, persona, url, response)
                except Exception as exc:  # reported with the other mismatches, not raised
                    problem = f"{route.test_id} as {persona}: raised {type(exc).__name__}: {exc}"
                transaction.set_rollback(True)
            _restore(world, after_setup)
            if problem:
                problems.append(problem)
        transaction.set_rollback(True)
    _restore(world, before_setup)
    client.logout()
    return problems
