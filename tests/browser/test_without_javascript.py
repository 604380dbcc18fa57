"""Every issue 2 page in real Chromium with JavaScript turned off: each renders, its main
form works, and axe-core finds no WCAG 2.2 A/AA violation on it (issue 2, points 9 and 13).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import RoleGrant, User
from accounts.roles import Role
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import assert_accessible, sign_in

NEW_PASSWORD = "a long and unusual passphrase 42"


def _h1(page):
    return page.get_by_role("heading", level=1)


def _assert_no_javascript(page):
    # base.html's inline script adds "js-enabled" to the body when scripts run.
    assert "js-enabled" not in (page.evaluate("() => document.body.className") or "")


def test_a_manager_works_through_every_partnership_page_without_javascript(page_without_js, world):
    page = page_without_js
    manager = world.person("manager")
    world.person("officer")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next=/"))
    _assert_no_javascript(page)
    # A mistake at sign-in is shown next to the field.
    page.get_by_label("Email address").fill(manager.email)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#id_password-error")).to_contain_text("Enter your password")
    assert_accessible(page, "sign-in-error")

    sign_in(page, manager)
    expect(_h1(page)).to_have_text("CSP Portal")
    assert_accessible(page, "home")

    # The directory, with its filter form.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Partnerships").click()
    expect(_h1(page)).to_have_text("Partnerships")
    page.get_by_label("Name").fill("CCSP")
    page.get_by_label("Police force area").select_option("norfolk")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"q=CCSP"))
    expect(page.get_by_role("link", name=world.home.name)).to_be_visible()
    expect(page.get_by_text("1 partnership matches your filters")).to_be_visible()
    assert_accessible(page, "directory")

    # The partnership page.
    page.get_by_role("link", name=world.home.name).click()
    expect(_h1(page)).to_contain_text(world.home.name)
    assert_accessible(page, "partnership")

    # People and roles: the form's errors, then a grant that invites a new person.
    page.get_by_role("link", name="People and roles").click()
    expect(_h1(page)).to_have_text("People and roles")
    assert_accessible(page, "people")
    page.get_by_role("button", name="Give role").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person's email address")
    expect(page.locator("#id_role-error")).to_contain_text("Select a role")
    assert_accessible(page, "people-errors")

    page.get_by_label("Email address").fill("sam.okafor@example.org")
    page.get_by_label(re.compile(r"^Viewer")).check()
    page.get_by_role("button", name="Give role").click()
    expect(page.locator("#id_name-error")).to_contain_text("Enter their full name")
    expect(page.get_by_label("Email address")).to_have_value("sam.okafor@example.org")
    expect(page.get_by_label(re.compile(r"^Viewer"))).to_be_checked()
    assert_accessible(page, "people-name-error")

    page.get_by_label("Full name").fill("Sam Okafor")
    page.get_by_role("button", name="Give role").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Sam Okafor is now viewer for"
    )
    assert_accessible(page, "people-granted")
    invited = User.objects.get(email="sam.okafor@example.org")
    assert RoleGrant.objects.active().filter(user=invited, role=Role.VIEWER).exists()
    assert [m.to for m in mail.outbox] == [["sam.okafor@example.org"]]

    # Revoke it, through the confirmation page.
    page.get_by_role("row", name=re.compile("Sam Okafor")).get_by_role(
        "link", name=re.compile("Remove")
    ).click()
    expect(_h1(page)).to_have_text("Remove Sam Okafor's role as viewer?")
    assert_accessible(page, "revoke-confirm")
    page.get_by_role("button", name="Remove role").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Sam Okafor is no longer viewer"
    )
    assert not RoleGrant.objects.active().filter(user=invited).exists()

    # The change history now has entries.
    page.get_by_role("link", name="Change history").click()
    expect(_h1(page)).to_have_text("Change history")
    expect(page.get_by_role("cell", name=re.compile("Role grant: Sam Okafor"))).to_have_count(2)
    assert_accessible(page, "history")

    # The account page and changing the password, mistakes first.
    page.get_by_role("link", name=manager.name).click()
    expect(_h1(page)).to_have_text("Your account")
    assert_accessible(page, "account")
    page.get_by_role("link", name="Change password").click()
    expect(_h1(page)).to_have_text("Change your password")
    assert_accessible(page, "password-change")
    page.get_by_label("Old password").fill("not my password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "password-change-errors")
    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/changed/"))
    assert_accessible(page, "password-changed")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    sign_in(page, manager, NEW_PASSWORD)
    expect(_h1(page)).to_have_text("CSP Portal")


def test_a_forgotten_password_is_reset_without_javascript(page_without_js, world):
    page = page_without_js
    officer = world.person("officer")

    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(_h1(page)).to_have_text("Reset your password")
    assert_accessible(page, "password-reset")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator("#id_email-error")).to_contain_text("Enter your email address")
    assert_accessible(page, "password-reset-errors")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page).to_have_url(re.compile(r"/accounts/password-reset/sent/"))
    assert_accessible(page, "password-reset-sent")

    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    page.goto(path.group(1))
    expect(_h1(page)).to_have_text("Set your password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill("something else entirely")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("didn’t match")
    assert_accessible(page, "set-password-errors")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password-reset/done/"))
    assert_accessible(page, "password-reset-complete")

    sign_in(page, officer, NEW_PASSWORD)
    expect(_h1(page)).to_have_text("CSP Portal")


def test_the_service_pages_and_error_pages_render_without_javascript(page_without_js, world):
    page = page_without_js

    page.goto("/accessibility/")
    expect(_h1(page)).to_have_text("Accessibility statement for CSP Portal")
    _assert_no_javascript(page)
    assert_accessible(page, "accessibility")

    response = page.goto("/health/")
    assert response.status == 200
    expect(_h1(page)).to_have_text("Service health")
    assert_accessible(page, "health")

    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(_h1(page)).to_have_text("Page not found")
    assert_accessible(page, "404-anonymous")

    # Too many wrong passwords: the lockout page.
    officer = world.person("officer")
    for _ in range(5):
        sign_in(page, officer, "not the password")
    expect(_h1(page)).to_have_text("Too many attempts to sign in")
    expect(page.get_by_text("paused for 15 minutes")).to_be_visible()
    assert_accessible(page, "locked-out")

    # A page the person's role does not allow, and a partnership they have no role in.
    sign_in(page, world.person("viewer"))
    response = page.goto(f"/p/{world.home.slug}/history/")
    assert response.status == 403
    expect(_h1(page)).to_have_text("You cannot do this")
    assert_accessible(page, "403")

    response = page.goto(f"/p/{world.away.slug}/")
    assert response.status == 404
    expect(_h1(page)).to_have_text("Page not found")
    assert_accessible(page, "404-partnership")


def test_the_accessibility_check_still_finds_problems_with_javascript_off(page_without_js, world):
    page = page_without_js
    page.goto("/accessibility/")
    page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        assert_accessible(page, "deliberately-broken")
