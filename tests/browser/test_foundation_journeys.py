"""Issue 2 journeys in real Chromium: sign in, the directory, a partnership page, and a
manager granting and revoking a role. Every page reached passes axe-core."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from accounts.models import RoleGrant
from accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.browser.conftest import assert_accessible, sign_in


def test_it_signs_in_and_reaches_the_directory_and_a_partnership(page, world):
    officer = world.person("officer")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    assert_accessible(page)

    sign_in(page, officer)
    expect(page.get_by_role("heading", level=1)).to_have_text("CSP Portal")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Partnerships").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerships")
    expect(page.get_by_role("link", name=world.home.name)).to_be_visible()
    # Another partnership in the same force area is not listed for a partnership officer.
    expect(page.get_by_role("link", name=world.neighbour.name)).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name=world.home.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.home.name)
    assert_accessible(page)


def test_sign_in_errors_are_shown_next_to_the_field(page, world):
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your password")
    expect(page.locator("#id_password-error")).to_contain_text("Enter your password")
    # What was typed is kept.
    expect(page.get_by_label("Email address")).to_have_value("officer@example.org")
    assert_accessible(page)


def test_a_manager_grants_and_revokes_a_role(page, world):
    manager = world.person("manager")
    colleague = UserFactory(email="new.officer@example.org", name="Priya Shah")
    sign_in(page, manager)

    page.goto(f"/p/{world.home.slug}/")
    page.get_by_role("link", name="People and roles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and roles")
    assert_accessible(page)

    page.get_by_label("Email address").fill(colleague.email)
    page.get_by_label(re.compile(r"^CSP officer")).check()
    page.get_by_role("button", name="Give role").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Priya Shah is now CSP officer"
    )
    row = page.get_by_role("row", name=re.compile("Priya Shah"))
    expect(row).to_contain_text("CSP officer")
    assert_accessible(page)
    assert (
        RoleGrant.objects.active()
        .filter(user=colleague, role=Role.OFFICER, partnership=world.home)
        .exists()
    )
    assert colleague.has_perm("partnerships.contribute", world.home)

    row.get_by_role("link", name=re.compile("Remove")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remove Priya Shah's role")
    assert_accessible(page)
    page.get_by_role("button", name="Remove role").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("no longer")
    expect(page.get_by_role("row", name=re.compile("Priya Shah"))).to_have_count(0)
    assert not RoleGrant.objects.active().filter(user=colleague, partnership=world.home).exists()
    colleague = type(colleague).objects.get(pk=colleague.pk)
    assert not colleague.has_perm("partnerships.contribute", world.home)
