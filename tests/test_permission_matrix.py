"""Every URL pattern × every persona answers as the matrix says.

Add a route to ``tests/<app>/routes.py`` for every new URL: a URL pattern with no entry
fails ``test_every_url_pattern_is_in_the_matrix``.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests
from tests.conftest import PERSONAS


def _all_routes():
    routes = []
    for module_info in pkgutil.walk_packages(tests.__path__, "tests."):
        if module_info.name.endswith("routes"):
            module = importlib.import_module(module_info.name)
            routes.extend(module.ROUTES)
    return routes


ROUTES = _all_routes()


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns == "admin":
                continue  # the admin is one entry: admin:index
            child_ns = f"{namespace}{ns}:" if ns else namespace
            names |= _url_names(pattern, child_ns)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                raise AssertionError(f"URL pattern {pattern.pattern} has no name")
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_pattern_is_in_the_matrix():
    listed = {route.name for route in ROUTES}
    missing = _url_names(get_resolver()) - listed
    assert not missing, f"URL patterns with no permission-matrix entry: {sorted(missing)}"


def test_the_matrix_lists_no_url_that_does_not_exist():
    known = _url_names(get_resolver()) | {"admin:index"}
    assert {r.name for r in ROUTES} <= known


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.test_id)
def test_route(route, persona, world, client_for):
    if route.setup:
        route.setup(world)
    client = client_for(persona)
    url = route.url(world)
    data = route.data(world) if route.data else {}
    if route.method == "GET":
        response = client.get(url, data)
    elif route.content_type:
        response = getattr(client, route.method.lower())(url, data, content_type=route.content_type)
    else:
        response = getattr(client, route.method.lower())(url, data)
    expected = route.expect[persona]
    assert response.status_code == expected, (
        f"{route.method} {url} as {persona}: expected {expected}, got {response.status_code}"
    )
    if expected == 302 and persona == "anonymous" and route.name not in ("accounts:sign_out",):
        assert "/accounts/sign-in/" in response["Location"] or response["Location"].startswith(
            "/admin/login"
        )
