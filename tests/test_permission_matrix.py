"""Every URL pattern × every persona answers as the matrix says.

Add a route to ``tests/<app>/routes.py`` for every new URL: a URL pattern with no entry
fails ``test_every_url_pattern_is_in_the_matrix``. There is one test per route; it builds
the world once and checks all the personas (``tests.matrix.check_route``), listing every
persona that answered wrongly.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import pytest
from django.http import HttpResponseRedirect
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from partnerships.models import ForceArea
from tests.matrix import HOME_MEMBERS, PERSONAS, Route, check_route, partnership_page, problem_with
from tests.partnerships.factories import ForceAreaFactory


def _all_routes() -> list[Route]:
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


def _unlisted(routes: list[Route]) -> set[str]:
    return _url_names(get_resolver()) - {route.name for route in routes}


def test_every_url_pattern_is_in_the_matrix():
    missing = _unlisted(ROUTES)
    assert not missing, f"URL patterns with no permission-matrix entry: {sorted(missing)}"


def test_the_matrix_lists_no_url_that_does_not_exist():
    known = _url_names(get_resolver()) | {"admin:index"}
    assert {r.name for r in ROUTES} <= known


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.test_id)
def test_route(route, world, client):
    problems = check_route(route, world, client)
    assert not problems, f"{len(problems)} persona(s) answered wrongly:\n" + "\n".join(problems)


# The checker itself: nothing the matrix checks may go unnoticed ----------------------------


def _route(name: str, method: str = "GET") -> Route:
    return next(r for r in ROUTES if r.name == name and r.method == method and not r.id_suffix)


def test_a_changed_cell_is_reported_with_every_other_wrong_cell(world, client):
    detail = _route("partnerships:detail")
    assert detail.expect["viewer"] == 200
    assert detail.expect["other_area_pcc"] == 404
    wrong = dataclasses.replace(
        detail, expect={**detail.expect, "viewer": 403, "other_area_pcc": 200}
    )

    problems = check_route(wrong, world, client)

    assert len(problems) == 2, problems
    assert "as viewer: expected 403, got 200" in problems[0]
    assert "as other_area_pcc: expected 200, got 404" in problems[1]


def test_a_route_with_a_persona_left_out_cannot_be_written():
    detail = _route("partnerships:detail")
    without_viewer = {p: s for p, s in detail.expect.items() if p != "viewer"}
    with pytest.raises(ValueError, match="no expectation for \\['viewer'\\]"):
        dataclasses.replace(detail, expect=without_viewer)


def test_a_url_left_out_of_the_matrix_is_reported():
    fewer = [r for r in ROUTES if r.name != "partnerships:history"]
    assert _unlisted(fewer) == {"partnerships:history"}


def test_an_anonymous_redirect_that_is_not_to_sign_in_is_reported():
    home = _route("home")
    assert home.expect["anonymous"] == 302
    elsewhere = HttpResponseRedirect("/somewhere-else/")
    signing_in = HttpResponseRedirect("/accounts/sign-in/?next=/")
    assert problem_with(home, "anonymous", "/", signing_in) is None
    assert problem_with(home, "anonymous", "/", elsewhere) == (
        "GET / as anonymous: redirected to /somewhere-else/, not to sign in"
    )


def test_each_persona_starts_from_what_the_setup_built(world, client):
    """The setup runs once; what one persona's request writes is rolled back before the
    next: a row with a unique slug made for each persona would clash if it survived."""
    seen = []

    def setup(w):
        ForceAreaFactory(slug="made-by-setup")
        w.extra = "set by setup"

    def url(w):
        assert w.extra == "set by setup"
        seen.append(ForceArea.objects.filter(slug__startswith="made-").count())
        ForceAreaFactory(slug="made-per-persona")  # as a POST would write
        return reverse("partnerships:detail", kwargs={"partnership": w.home.slug})

    route = Route("partnerships:detail", url, partnership_page(HOME_MEMBERS), setup=setup)
    assert check_route(route, world, client) == []
    assert seen == [1] * len(PERSONAS)  # the setup's row, never an earlier persona's
    assert not ForceArea.objects.filter(slug__startswith="made-").exists()
    assert not hasattr(world, "extra")


def test_a_post_by_one_persona_is_not_seen_by_the_next(world, client):
    """The real "start a return" route: each contributor starts the 2013 Q1 return, which
    can only succeed (302) if the previous persona's return was rolled back."""
    start = _route("performance:return_start", "POST")
    assert [p for p, status in start.expect.items() if status == 302] == [
        "anonymous",
        "officer",
        "manager",
        "site_admin",
    ]
    assert check_route(start, world, client) == []


def test_a_setup_that_fails_is_reported(world, client):
    def setup(w):
        raise RuntimeError("cannot build")

    route = Route(
        "partnerships:detail",
        lambda w: reverse("partnerships:detail", kwargs={"partnership": w.home.slug}),
        partnership_page(HOME_MEMBERS),
        setup=setup,
    )
    assert check_route(route, world, client) == [
        "GET partnerships:detail: setup raised RuntimeError: cannot build"
    ]


def test_an_exception_is_reported_and_the_other_personas_are_still_checked(world, client):
    def url(w):
        raise RuntimeError("no such object")

    route = Route("partnerships:detail", url, partnership_page(HOME_MEMBERS))
    problems = check_route(route, world, client)
    assert len(problems) == len(PERSONAS)
    assert all("raised RuntimeError: no such object" in p for p in problems)
