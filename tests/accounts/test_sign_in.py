"""Signing in is throttled after repeated failures (django-axes), and sessions end: after a
period without activity, after SESSION_COOKIE_AGE whatever happens, and when the browser
closes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import PASSWORD

SIGN_IN = "/accounts/sign-in/"


def _sign_in(client, email: str, password: str, **extra):
    return client.post(SIGN_IN, {"username": email, "password": password}, **extra)


def _fail(client, email: str, times: int) -> list[int]:
    return [_sign_in(client, email, "not the password").status_code for _ in range(times)]


# Throttling ---------------------------------------------------------------------------


def test_it_pauses_sign_in_for_an_email_after_too_many_wrong_passwords(world, client):
    officer = world.person("officer")
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5

    # The failures before the limit show the form again with its error.
    statuses = _fail(client, officer.email, limit - 1)
    assert statuses == [200] * (limit - 1)
    # The failure that reaches the limit, and every attempt after it — even with the
    # right password — get the "Too many attempts" page instead.
    assert _fail(client, officer.email, 1) == [429]
    response = _sign_in(client, officer.email, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts to sign in" in html
    assert "paused for 15 minutes" in html
    assert 'class="govuk-generic-header"' in html  # the portal's own layout
    assert "_auth_user_id" not in client.session


def test_the_too_many_attempts_page_says_how_long_the_pause_lasts(world, client, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(hours=1, minutes=30)
    officer = world.person("officer")
    _fail(client, officer.email, settings.AXES_FAILURE_LIMIT)
    response = _sign_in(client, officer.email, PASSWORD)
    assert "paused for 1 hour 30 minutes." in response.content.decode()


def test_the_pause_counts_the_email_whatever_its_case(world, client):
    officer = world.person("officer")
    for email in ("officer@example.org", "OFFICER@example.org", "Officer@Example.org"):
        _sign_in(client, email, "wrong")
    _fail(client, officer.email, 2)
    assert _sign_in(client, "officer@example.org", PASSWORD).status_code == 429


def test_failures_at_the_admin_sign_in_count_against_the_same_email(world, client):
    officer = world.person("officer")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": "Officer@Example.org", "password": "wrong", "next": "/admin/"},
        )
    assert _sign_in(client, officer.email, PASSWORD).status_code == 429


def test_the_pause_does_not_lock_out_other_people(world, client):
    officer = world.person("officer")
    manager = world.person("manager")
    _fail(client, officer.email, settings.AXES_FAILURE_LIMIT)

    response = _sign_in(client, manager.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_signing_in_works_again_after_the_cool_off(world, client):
    officer = world.person("officer")
    _fail(client, officer.email, settings.AXES_FAILURE_LIMIT)
    assert _sign_in(client, officer.email, PASSWORD).status_code == 429

    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=5)):
        response = _sign_in(client, officer.email, PASSWORD)
        assert response.status_code == 302
        assert client.get(reverse("home")).context["user"] == officer


def test_a_successful_sign_in_resets_the_count(world, client):
    officer = world.person("officer")
    limit = settings.AXES_FAILURE_LIMIT
    _fail(client, officer.email, limit - 1)
    assert _sign_in(client, officer.email, PASSWORD).status_code == 302
    client.logout()
    # Another limit - 1 failures do not lock the account.
    assert _fail(client, officer.email, limit - 1) == [200] * (limit - 1)
    assert _sign_in(client, officer.email, PASSWORD).status_code == 302


# Throttling behind a reverse proxy -----------------------------------------------------

CLIENT_A = "198.51.100.10"
CLIENT_B = "203.0.113.20"
PROXY = "172.18.0.5"


def test_failures_from_one_address_do_not_pause_the_account_at_another(world, client):
    officer = world.person("officer")
    statuses = [
        _sign_in(client, officer.email, "wrong", REMOTE_ADDR=CLIENT_A).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    assert _sign_in(client, officer.email, PASSWORD, REMOTE_ADDR=CLIENT_A).status_code == 429

    response = _sign_in(client, officer.email, PASSWORD, REMOTE_ADDR=CLIENT_B)

    assert response.status_code == 302


def test_behind_the_trusted_proxy_the_forwarded_client_address_is_counted(world, client, settings):
    settings.CSP_TRUSTED_PROXY_COUNT = 1
    officer = world.person("officer")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        # Whatever the client writes in front is ignored: the proxy appends what it saw.
        _sign_in(
            client,
            officer.email,
            "wrong",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{_ + 1}, {CLIENT_A}",
        )

    from_a = _sign_in(
        client, officer.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_A
    )
    from_b = _sign_in(
        client, officer.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_B
    )

    assert from_a.status_code == 429
    assert from_b.status_code == 302
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT_A}


def test_without_the_proxy_setting_x_forwarded_for_cannot_dodge_the_pause(world, client):
    assert settings.CSP_TRUSTED_PROXY_COUNT == 0
    officer = world.person("officer")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(
            client,
            officer.email,
            "wrong",
            REMOTE_ADDR=CLIENT_A,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    response = _sign_in(
        client, officer.email, PASSWORD, REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR=CLIENT_B
    )

    assert response.status_code == 429


@pytest.mark.parametrize(
    ("forwarded", "counted"),
    [
        ("", PROXY),  # did not come through the proxy
        ("not-an-address", PROXY),
        (f"{CLIENT_A}", CLIENT_A),
        (f"{CLIENT_B}, {CLIENT_A}", CLIENT_A),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_address_counted_behind_one_proxy(rf, settings, forwarded, counted):
    from csp_portal.lib.auth import client_ip_address

    settings.CSP_TRUSTED_PROXY_COUNT = 1
    request = rf.post(SIGN_IN, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip_address(request) == counted


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(rf, settings):
    from csp_portal.lib.auth import client_ip_address

    settings.CSP_TRUSTED_PROXY_COUNT = 2
    request = rf.post(
        SIGN_IN, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {CLIENT_A}, 10.0.0.7"
    )

    assert client_ip_address(request) == CLIENT_A


# Session expiry -----------------------------------------------------------------------


def test_the_session_cookie_ends_with_the_browser_and_the_session_within_hours(world, client):
    officer = world.person("officer")
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 10 * 3600

    response = _sign_in(client, officer.email, PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # No expiry on the cookie: it goes when the browser closes.
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert dt.timedelta(hours=9, minutes=59) < lifetime <= dt.timedelta(hours=10)


def test_it_signs_someone_out_after_a_period_without_activity(world, client):
    officer = world.person("officer")
    assert settings.SESSION_IDLE_TIMEOUT == 60 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _sign_in(client, officer.email, PASSWORD)
        assert client.get(reverse("home")).status_code == 200

        clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 30))
        assert client.get(reverse("home")).status_code == 200  # still active: counts again

        clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
        response = client.get(reverse("partnerships:directory"), follow=True)

    assert response.redirect_chain[0][0].startswith(SIGN_IN)
    assert not response.context["user"].is_authenticated
    assert "You were signed out because you had not done anything for a while." in (
        response.content.decode()
    )


def test_it_signs_someone_out_after_the_session_age_even_if_they_stay_active(world, client):
    officer = world.person("officer")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        _sign_in(client, officer.email, PASSWORD, follow=True)
        # Active every 50 minutes: the idle timeout never trips.
        for _ in range(settings.SESSION_COOKIE_AGE // (50 * 60)):
            clock.shift(dt.timedelta(minutes=50))
            assert client.get(reverse("home")).status_code == 200
        clock.shift(dt.timedelta(minutes=50))
        response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[0][0].startswith(SIGN_IN)
    assert not response.context["user"].is_authenticated
    assert "You were signed out because you signed in more than 10 hours ago." in (
        response.content.decode()
    )


def test_it_does_not_save_the_session_on_every_request(world, client):
    officer = world.person("officer")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, officer.email, PASSWORD)
        first = client.get(reverse("home"))
        assert first.status_code == 200

        clock.shift(dt.timedelta(seconds=5))
        second = client.get(reverse("home"))
        assert second.status_code == 200
        assert not second.wsgi_request.session.modified
        assert settings.SESSION_COOKIE_NAME not in second.cookies  # nothing written back

        # After a minute the last-seen time is refreshed (once).
        clock.shift(dt.timedelta(seconds=61))
        third = client.get(reverse("home"))
        assert third.wsgi_request.session.modified


@pytest.mark.parametrize("path", ["/", "/partnerships/", "/accounts/"])
def test_pages_need_a_signed_in_person(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{SIGN_IN}?next=")
