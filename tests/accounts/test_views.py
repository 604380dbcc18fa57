"""A partnership's people page: a manager grants and revokes roles in the browser, and
invites people who have no account yet."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import RoleGrant, User
from accounts.roles import ROLE_CAPABILITIES, Capability, Role
from accounts.services import role_groups_sync
from csp_portal.lib.access import access_for
from tests.accounts.factories import PASSWORD, UserFactory

NEW_PASSWORD = "a long and unusual passphrase 42"


def _people_url(world, partnership=None) -> str:
    return reverse("people:list", kwargs={"partnership": (partnership or world.home).slug})


def _role_values(response) -> list[str]:
    return [value for value, _label in response.context["form"].fields["role"].choices]


def test_the_people_page_lists_the_roles_and_offers_only_roles_the_manager_may_grant(
    world, client_for
):
    world.person("officer")
    world.person("pcc_reviewer")
    world.person("other_partnership")
    response = client_for("manager").get(_people_url(world))

    assert response.status_code == 200
    people = [(g.user.email, g.role) for g, _can in response.context["grants"]]
    assert ("officer@example.org", Role.OFFICER) in people
    assert ("manager@example.org", Role.MANAGER) in people
    # Nobody from the neighbouring partnership is listed.
    assert all(email != "other_partnership@example.org" for email, _ in people)
    # Force-area roles are shown read-only, and cannot be granted here.
    assert [g.user.email for g in response.context["area_grants"]] == ["pcc_reviewer@example.org"]
    assert _role_values(response) == ["viewer", "officer", "manager", "dhr_panel", "scrutiny"]
    # The manager's own role has no "Remove" link; the officer's has.
    revocable = {g.user.email: bool(can) for g, can in response.context["grants"]}
    assert revocable == {"manager@example.org": False, "officer@example.org": True}


def test_a_role_beyond_the_managers_reach_is_not_offered(world, client_for, monkeypatch):
    monkeypatch.setitem(
        ROLE_CAPABILITIES,
        Role.DHR_PANEL,
        ROLE_CAPABILITIES[Role.DHR_PANEL] | {Capability.QUERY_RETURNS},
    )
    role_groups_sync()
    client = client_for("manager")
    response = client.get(_people_url(world))
    assert "dhr_panel" not in _role_values(response)

    response = client.post(
        _people_url(world), {"email": "officer@example.org", "role": Role.DHR_PANEL}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.context["form"].errors["role"][0]
    assert not RoleGrant.objects.filter(role=Role.DHR_PANEL, user__email="officer@example.org")


def test_a_manager_grants_a_role_to_someone_with_an_account(world, client_for):
    colleague = UserFactory(email="priya@example.org", name="Priya Shah")
    response = client_for("manager").post(
        _people_url(world),
        {"email": "Priya@Example.org", "name": "", "role": Role.OFFICER},
        follow=True,
    )

    assert response.redirect_chain == [(_people_url(world), 302)]
    assert "Priya Shah is now CSP officer for" in response.content.decode()
    assert RoleGrant.objects.active().get(user=colleague).role == Role.OFFICER
    assert colleague.has_perm("partnerships.contribute", world.home)
    assert mail.outbox == []


def test_the_grant_form_shows_errors_next_to_the_fields(world, client_for):
    response = client_for("manager").post(_people_url(world), {"email": "not-an-email", "name": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: People and roles" in html
    assert 'class="govuk-error-summary"' in html
    assert re.search(
        r'id="id_email-error"[^>]*>.*Enter an email address in the correct format', html
    )
    assert re.search(r'id="id_role-error"[^>]*>.*Select a role', html)
    assert 'value="not-an-email"' in html


def test_an_unknown_email_without_a_name_gets_the_error_next_to_the_name_and_keeps_the_input(
    world, client_for
):
    response = client_for("manager").post(
        _people_url(world), {"email": "sam.okafor@example.org", "name": "", "role": Role.VIEWER}
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["name"]
    html = response.content.decode()
    assert re.search(r'id="id_name-error"[^>]*>.*Enter their full name to create one', html)
    assert '<a href="#id_name">' in html  # the error summary links to the field
    assert 'value="sam.okafor@example.org"' in html
    assert re.search(r'value="viewer"[^>]*checked', html)
    assert not User.objects.filter(email="sam.okafor@example.org").exists()


def test_a_duplicate_grant_is_refused_with_a_clear_message(world, client_for):
    world.person("officer")
    response = client_for("manager").post(
        _people_url(world), {"email": "officer@example.org", "role": Role.OFFICER}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Officer already has this role."]
    assert "Officer already has this role." in response.content.decode()
    assert RoleGrant.objects.filter(user__email="officer@example.org").count() == 1


def test_a_manager_invites_someone_who_then_sets_a_password_and_signs_in(
    world, client, client_for, django_capture_on_commit_callbacks
):
    manager_client = client_for("manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            _people_url(world),
            {"email": "sam.okafor@example.org", "name": "Sam Okafor", "role": Role.OFFICER},
            follow=True,
        )
    assert "We have emailed them a link to set a password." in response.content.decode()
    invited = User.objects.get(email="sam.okafor@example.org")
    assert not invited.has_usable_password()
    assert len(mail.outbox) == 1
    link = re.search(r"(https?://[^/\s]+)(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    assert link.group(1) == settings.SITE_URL
    path = link.group(2)

    # They cannot sign in before setting a password.
    client.logout()
    response = client.post(reverse("accounts:sign_in"), {"username": invited.email, "password": ""})
    assert response.status_code == 200

    # Following the link leads to the set-password form.
    response = client.get(path, follow=True)
    assert response.context["validlink"]
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:password_reset_complete")

    # The link works once.
    response = client.get(path, follow=True)
    assert not response.context["validlink"]

    response = client.post(
        reverse("accounts:sign_in"),
        {"username": "Sam.Okafor@example.org", "password": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert response.context["user"] == invited
    assert client.get(world.home.get_absolute_url()).status_code == 200


def test_someone_invited_whose_link_expired_can_ask_for_a_new_one(
    world, client, django_capture_on_commit_callbacks
):
    """The invitation says: if the link has expired, use "Forgotten your password?"."""
    invited = User.objects.create_user(email="sam.okafor@example.org", name="Sam Okafor")
    assert not invited.has_usable_password()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "sam.okafor@example.org"})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam.okafor@example.org"]


def test_a_closed_account_is_sent_no_password_reset_link(world, client):
    UserFactory(email="gone@example.org", is_active=False)
    User.objects.create_user(email="gone2@example.org", name="Gone Too", is_active=False)
    client.post(reverse("accounts:password_reset"), {"email": "gone@example.org"})
    client.post(reverse("accounts:password_reset"), {"email": "gone2@example.org"})
    assert mail.outbox == []


def test_a_manager_revokes_a_role_after_confirming(world, client_for):
    officer_grant = world.person("officer").role_grants.get()
    url = reverse(
        "people:revoke", kwargs={"partnership": world.home.slug, "code": officer_grant.code}
    )
    client = client_for("manager")

    response = client.get(url)
    assert response.status_code == 200
    assert "Remove Officer's role as CSP officer?" in response.content.decode()
    assert RoleGrant.objects.get(pk=officer_grant.pk).is_active

    response = client.post(url, follow=True)
    assert response.redirect_chain == [(_people_url(world), 302)]
    assert "Officer is no longer CSP officer for" in response.content.decode()
    revoked = RoleGrant.objects.get(pk=officer_grant.pk)
    assert revoked.revoked_by == world.person("manager")
    assert access_for(User.objects.get(email="officer@example.org")).capabilities(world.home) == (
        frozenset()
    )

    # Revoking it again only says so.
    response = client.post(url, follow=True)
    assert "That role had already been removed." in response.content.decode()


def test_a_manager_cannot_revoke_their_own_role_and_is_told_why(world, client_for):
    own = world.person("manager").role_grants.get()
    url = reverse("people:revoke", kwargs={"partnership": world.home.slug, "code": own.code})
    response = client_for("manager").post(url)
    assert response.status_code == 403
    assert "You cannot remove your own role. Ask another manager." in response.content.decode()
    assert RoleGrant.objects.get(pk=own.pk).is_active


def test_a_grant_of_another_partnership_cannot_be_reached_through_this_one(world, client_for):
    neighbours = world.person("other_partnership").role_grants.get()
    url = reverse("people:revoke", kwargs={"partnership": world.home.slug, "code": neighbours.code})
    assert client_for("manager").post(url).status_code == 404
    assert RoleGrant.objects.get(pk=neighbours.pk).is_active


@pytest.mark.parametrize("persona", ["other_partnership", "other_area_pcc"])
def test_people_from_elsewhere_get_not_found_and_can_grant_nothing(world, client_for, persona):
    client = client_for(persona)
    assert client.get(_people_url(world)).status_code == 404
    response = client.post(
        _people_url(world), {"email": f"{persona}@example.org", "role": Role.MANAGER}
    )
    assert response.status_code == 404
    assert not RoleGrant.objects.filter(partnership=world.home, role=Role.MANAGER).exclude(
        user__email="manager@example.org"
    )


def test_an_officer_is_told_they_cannot_manage_roles(world, client_for):
    response = client_for("officer").get(_people_url(world))
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


def test_the_account_page_lists_the_persons_roles(world, client_for):
    world.person("pcc_reviewer")
    response = client_for("pcc_reviewer").get(reverse("accounts:account"))
    assert "PCC office reviewer for every partnership in Norfolk" in response.content.decode()


def test_sign_in_is_by_email_whatever_its_case(world, client):
    officer = world.person("officer")
    response = client.post(
        reverse("accounts:sign_in"), {"username": "OFFICER@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == officer


def test_a_role_cannot_be_given_to_a_closed_account(world, client_for):
    from accounts.models import RoleGrant
    from tests.accounts.factories import UserFactory

    closed = UserFactory(email="closed@example.org", is_active=False)
    response = client_for("manager").post(
        reverse("people:list", kwargs={"partnership": world.home.slug}),
        {"email": "closed@example.org", "name": "", "role": "viewer"},
    )
    assert response.status_code == 200
    assert "This account has been closed" in response.content.decode()
    assert not RoleGrant.objects.filter(user=closed).exists()
