"""The permission matrix: every URL pattern × every persona, with the expected answer.

Each app lists its routes in ``tests/<app>/routes.py`` as ``ROUTES``;
``tests/test_permission_matrix.py`` checks every entry and fails if a URL pattern of the
project has no entry. A route's ``url`` and ``data`` are functions of the test world, so
objects are created fresh for every check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
