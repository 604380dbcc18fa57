"""Redis down does not take the portal down (issue 7, point 15).

The cache is ``csp_portal.lib.cache.DegradingRedisCache`` and sessions are ``cached_db``,
as deployed. With Redis unreachable (a closed port, or a redis-server of the test's own
that it kills or freezes by PID) a signed-in officer's pages answer 200, sign-in and
sign-out work from the database, cache calls are counted, and /health.json answers 503
naming the cache. When Redis answers again the cache is used again, and nothing written
while it was away is served stale.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.urls import reverse

from accounts.roles import Role
from csp_portal.lib import cache as degrading
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import grant
from tests.faults.redis_server import free_port
from tests.performance.builders import adopted_plan, started_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_at(settings):
    """Point the cache (and the health page's Redis check) at ``url``, sessions cached_db."""

    def _configure(url: str, *, retry_after: float = 0) -> str:
        prefix = f"csp-test-{uuid.uuid4().hex[:8]}"
        settings.REDIS_URL = url
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        settings.CACHES = {
            "default": {
                "BACKEND": "csp_portal.lib.cache.DegradingRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": prefix,
                # The tests see Redis come back at once; production waits a few seconds.
                "OPTIONS": {"RETRY_AFTER_SECONDS": retry_after},
            }
        }
        return prefix

    return _configure


@pytest.fixture
def officer(world):
    user = UserFactory(email="olu.officer@example.org", name="Olu Officer")
    grant(user, Role.OFFICER, partnership=world.home)
    adopted_plan(world.home)
    manager = world.person("manager")
    performance_return = started_return(world.home, manager)
    return user, performance_return


def officer_pages(world, performance_return) -> list[str]:
    slug = world.home.slug
    return [
        reverse("home"),
        reverse("accounts:account"),
        world.home.get_absolute_url(),
        reverse("performance:dashboard", kwargs={"partnership": slug}),
        reverse("performance:return_list", kwargs={"partnership": slug}),
        # Built from a cached fragment (csp_portal/lib/fragments.py).
        reverse(
            "performance:return_detail",
            kwargs={"partnership": slug, "code": performance_return.code},
        ),
    ]


def sign_in(client, email: str):
    return client.post(reverse("accounts:sign_in"), {"username": email, "password": PASSWORD})


def checks_by_name(response) -> dict[str, dict]:
    return {check["name"]: check for check in response.json()["checks"]}


def test_a_signed_in_officer_keeps_working_with_redis_unreachable(client, world, officer, cache_at):
    user, performance_return = officer
    cache_at(f"redis://127.0.0.1:{free_port()}/0")
    errors_before = degrading.stats().errors

    response = sign_in(client, user.email)

    assert response.status_code == 302
    assert response.url == reverse("home")
    session_key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=session_key).exists()
    for url in officer_pages(world, performance_return):
        page = client.get(url)
        assert page.status_code == 200, url
        assert page.context["user"] == user
    assert degrading.stats().errors > errors_before

    response = client.post(reverse("accounts:sign_out"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("home")).status_code == 302  # to the sign-in page


def test_health_json_answers_503_and_reports_the_cache_with_redis_unreachable(client, cache_at):
    cache_at(f"redis://127.0.0.1:{free_port()}/0")

    response = client.get(reverse("health_json"))

    assert response.status_code == 503
    checks = checks_by_name(response)
    assert checks["Redis"]["ok"] is False
    assert checks["Cache"]["ok"] is False
    assert checks["Cache"]["detail"].startswith(
        "Redis unreachable: cache reads are misses and writes are skipped; "
    )
    errors = degrading.stats().errors
    assert f"{errors} cache errors since this process started" in checks["Cache"]["detail"]
    assert client.get(reverse("health")).status_code == 503


def test_cached_db_sessions_swallow_every_cache_failure(cache_at):
    """Django's cached_db guards only its cache read and its write in save(); the write in
    load() after a database read, exists() and delete() would raise with a plain RedisCache."""
    cache_at(f"redis://127.0.0.1:{free_port()}/0")
    session = SessionStore()
    session["colour"] = "green"
    session.save()  # cache write fails: the row is in the database

    again = SessionStore(session.session_key)

    assert again.load() == {"colour": "green"}  # cache miss, database read, cache write fails
    assert again.exists(session.session_key)
    again.delete()
    assert not Session.objects.filter(session_key=session.session_key).exists()


def test_after_a_failure_it_leaves_redis_alone_for_a_while_and_counts_what_it_skipped(
    cache_at,
):
    cache_at(f"redis://127.0.0.1:{free_port()}/0", retry_after=3600)
    cache = caches["default"]
    before = degrading.stats()

    assert cache.get("anything", "missing") == "missing"
    assert cache.get("anything", "missing") == "missing"
    cache.set("anything", 1)

    after = degrading.stats()
    assert after.errors == before.errors + 1
    assert after.skipped == before.skipped + 2
    assert after.unreachable is True


def test_every_thread_of_a_process_shares_one_redis_client(own_redis, cache_at):
    cache_at(own_redis.url())
    clients = []

    def use_cache() -> None:
        cache = caches["default"]  # a backend object per thread, as in a threaded server
        cache.set("shared", 1)
        clients.append(cache._cache.get_client(write=True))

    threads = [threading.Thread(target=use_cache) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    use_cache()

    assert len(clients) == 4
    assert len({id(client) for client in clients}) == 1


def test_pages_keep_working_when_redis_dies_and_the_cache_is_used_again_when_it_returns(
    client, world, officer, own_redis, cache_at
):
    user, performance_return = officer
    prefix = cache_at(own_redis.url())
    sign_in(client, user.email)
    session_key = client.cookies["sessionid"].value
    cached_session = f"{prefix}:1:{SESSION_KEY_PREFIX}{session_key}"
    pages = officer_pages(world, performance_return)
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert own_redis.client().exists(cached_session)

    own_redis.kill()

    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert page.context["user"] == user

    own_redis.start()  # an empty Redis on the same port

    assert client.get(pages[0]).status_code == 200
    # The session was read from the database and written to the cache again.
    assert own_redis.client().exists(cached_session)
    assert client.get(pages[-1]).status_code == 200
    assert any(
        key.startswith(f"{prefix}:1:fragment:".encode()) for key in own_redis.client().keys()
    )


def test_a_session_signed_out_while_redis_hung_is_not_revived_when_it_answers(
    client, world, officer, own_redis, cache_at
):
    """A frozen Redis keeps its data: the session it cached must not sign the person in
    again when it wakes up, although the delete at sign-out never reached it."""
    user, _ = officer
    prefix = cache_at(own_redis.url())
    sign_in(client, user.email)
    session_cookie = client.cookies["sessionid"].value
    cached_session = f"{prefix}:1:{SESSION_KEY_PREFIX}{session_cookie}"
    assert client.get(reverse("home")).status_code == 200
    assert own_redis.client().exists(cached_session)

    own_redis.freeze()
    try:
        assert client.post(reverse("accounts:sign_out")).status_code == 302
    finally:
        own_redis.thaw()
    assert own_redis.client().exists(cached_session)  # the delete never reached it

    client.cookies["sessionid"] = session_cookie  # the old cookie, kept by an attacker
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))
    assert not own_redis.client().exists(cached_session)
