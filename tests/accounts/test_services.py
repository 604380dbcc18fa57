"""Granting, revoking and inviting (accounts.services): the RoleGrant row is the audited
record and the guardian role groups follow it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import RoleGrant, User
from accounts.roles import Capability, Role
from accounts.services import (
    role_grant_create,
    role_grant_revoke,
    role_grant_to_email,
    role_group,
    role_groups_sync,
    user_find_or_invite,
)
from csp_portal.lib.access import access_for
from partnerships.models import Partnership, PartnershipGroupObjectPermission
from tests.accounts.factories import UserFactory

C = Capability


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def _group_codenames(group: Group, partnership: Partnership) -> set[str]:
    return set(
        PartnershipGroupObjectPermission.objects.filter(
            group=group, content_object=partnership
        ).values_list("permission__codename", flat=True)
    )


def test_granting_puts_the_person_in_the_role_group_for_that_partnership(world):
    manager = world.person("manager")
    colleague = UserFactory()

    new = role_grant_create(user=colleague, role=Role.OFFICER, partnership=world.home, by=manager)

    group = Group.objects.get(name=f"partnership:{world.home.pk}:officer")
    assert list(group.user_set.all()) == [colleague]
    assert _group_codenames(group, world.home) == {
        "access_partnership",
        "view_published",
        "view_working_papers",
        "contribute",
    }
    assert (new.user, new.role, new.partnership, new.granted_by) == (
        colleague,
        Role.OFFICER,
        world.home,
        manager,
    )
    assert new.is_active


def test_granting_a_role_records_who_granted_it_in_the_history(world):
    manager = world.person("manager")
    colleague = UserFactory(name="Priya Shah")

    new = role_grant_create(user=colleague, role=Role.OFFICER, partnership=world.home, by=manager)

    record = new.history.get()
    assert record.history_type == "+"
    assert record.history_user == manager
    assert record.history_partnership_id == world.home.pk
    assert record.history_changes["User"] == ["", "Priya Shah"]
    assert record.history_changes["Role"] == ["", "CSP officer"]


def test_revoking_removes_the_capability_but_keeps_the_grant_and_its_history(world):
    manager = world.person("manager")
    colleague = UserFactory()
    new = role_grant_create(user=colleague, role=Role.OFFICER, partnership=world.home, by=manager)
    assert colleague.has_perm("partnerships.contribute", world.home)

    role_grant_revoke(grant=new, by=manager)

    colleague = _fresh(colleague)
    assert not colleague.has_perm("partnerships.contribute", world.home)
    assert access_for(colleague).capabilities(world.home) == frozenset()
    assert not colleague.groups.exists()

    kept = RoleGrant.objects.get(pk=new.pk)
    assert kept.revoked_at is not None
    assert kept.revoked_by == manager
    assert not kept.is_active
    assert not RoleGrant.objects.active().filter(pk=new.pk).exists()

    history = list(kept.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[1].history_user == manager
    assert history[1].history_changes["Revoked by"] == ["", manager.name]
    assert set(history[1].history_changes) == {"Revoked at", "Revoked by"}


def test_revoking_one_role_leaves_the_persons_other_roles_alone(world):
    colleague = UserFactory()
    officer = role_grant_create(user=colleague, role=Role.OFFICER, partnership=world.home, by=None)
    role_grant_create(user=colleague, role=Role.VIEWER, partnership=world.neighbour, by=None)

    role_grant_revoke(grant=officer, by=world.person("manager"))

    access = access_for(_fresh(colleague))
    assert access.capabilities(world.home) == frozenset()
    assert C.VIEW_WORKING_PAPERS in access.capabilities(world.neighbour)


def test_revoking_a_role_twice_changes_nothing_the_second_time(world):
    manager = world.person("manager")
    new = role_grant_create(user=UserFactory(), role=Role.VIEWER, partnership=world.home, by=None)
    role_grant_revoke(grant=new, by=manager)
    first_revoked_at = RoleGrant.objects.get(pk=new.pk).revoked_at

    role_grant_revoke(grant=RoleGrant.objects.get(pk=new.pk), by=world.person("site_admin"))

    again = RoleGrant.objects.get(pk=new.pk)
    assert (again.revoked_at, again.revoked_by) == (first_revoked_at, manager)
    assert again.history.count() == 2


def test_a_revoked_role_can_be_granted_again(world):
    colleague = UserFactory()
    first = role_grant_create(user=colleague, role=Role.VIEWER, partnership=world.home, by=None)
    role_grant_revoke(grant=first, by=None)

    second = role_grant_create(user=colleague, role=Role.VIEWER, partnership=world.home, by=None)

    assert second.pk != first.pk
    assert RoleGrant.objects.filter(user=colleague).count() == 2
    assert access_for(_fresh(colleague)).has(C.VIEW_PARTNERSHIP, world.home)


def test_a_duplicate_active_grant_is_refused_with_a_clear_message(world):
    officer = world.person("officer")
    with pytest.raises(ValidationError) as caught:
        role_grant_create(
            user=officer, role=Role.OFFICER, partnership=world.home, by=world.person("manager")
        )
    assert caught.value.messages == ["Officer already has this role."]
    assert RoleGrant.objects.filter(user=officer).count() == 1


def test_the_same_role_in_another_partnership_is_not_a_duplicate(world):
    officer = world.person("officer")
    role_grant_create(user=officer, role=Role.OFFICER, partnership=world.neighbour, by=None)
    assert RoleGrant.objects.active().filter(user=officer).count() == 2


@pytest.mark.parametrize(
    ("role", "scope", "message"),
    [
        (Role.VIEWER, "force_area", "This role is granted for a partnership."),
        (Role.PCC_REVIEWER, "partnership", "This role is granted for a police force area."),
    ],
)
def test_a_role_is_granted_only_for_its_kind_of_scope(world, role, scope, message):
    target = {"partnership": world.home, "force_area": world.area}[scope]
    with pytest.raises(ValidationError) as caught:
        role_grant_create(user=UserFactory(), role=role, by=None, **{scope: target})
    assert caught.value.messages == [message]


# role_groups_sync: the groups follow the code and the grants ----------------------------


def test_role_groups_sync_repairs_a_group_whose_permissions_drifted(world):
    world.person("officer")
    group = role_group(role=Role.OFFICER, scope_object=world.home)
    content_type = ContentType.objects.get_for_model(Partnership)
    # Someone removed one permission and added another by hand.
    PartnershipGroupObjectPermission.objects.filter(
        group=group, permission__codename="contribute"
    ).delete()
    PartnershipGroupObjectPermission.objects.create(
        group=group,
        permission=Permission.objects.get(content_type=content_type, codename="sign_off"),
        content_object=world.home,
    )
    assert access_for(_fresh(world.person("officer"))).has(C.SIGN_OFF, world.home)

    role_groups_sync()

    assert _group_codenames(group, world.home) == {
        "access_partnership",
        "view_published",
        "view_working_papers",
        "contribute",
    }
    access = access_for(_fresh(world.person("officer")))
    assert access.has(C.CONTRIBUTE, world.home)
    assert not access.has(C.SIGN_OFF, world.home)


def test_role_groups_sync_removes_members_without_an_active_grant_and_adds_missing_ones(world):
    officer = world.person("officer")
    viewer = world.person("viewer")
    group = role_group(role=Role.OFFICER, scope_object=world.home)
    # A grant revoked behind the services' back, a member added by hand, and an active
    # grant whose group membership was lost.
    RoleGrant.objects.filter(user=officer).update(revoked_at="2025-01-01T00:00Z")
    stranger = UserFactory()
    group.user_set.add(stranger)
    viewer_group = role_group(role=Role.VIEWER, scope_object=world.home)
    viewer_group.user_set.remove(viewer)

    role_groups_sync()

    assert list(group.user_set.all()) == []
    assert list(viewer_group.user_set.all()) == [viewer]
    assert access_for(_fresh(stranger)).capabilities(world.home) == frozenset()
    assert access_for(_fresh(officer)).capabilities(world.home) == frozenset()
    assert access_for(_fresh(viewer)).has(C.VIEW_WORKING_PAPERS, world.home)


def test_role_groups_sync_deletes_the_groups_of_a_partnership_that_no_longer_exists(world):
    doomed = Partnership.objects.create(
        name="Doomed CSP", slug="doomed", tier="district", force_area=world.area
    )
    role_group(role=Role.VIEWER, scope_object=doomed)
    name = f"partnership:{doomed.pk}:viewer"
    doomed.delete()
    assert Group.objects.filter(name=name).exists()

    role_groups_sync()

    assert not Group.objects.filter(name=name).exists()


def test_role_groups_sync_deletes_the_groups_of_a_role_removed_from_the_code(world):
    """A role dropped from accounts.roles must not leave its members their permissions."""
    officer = world.person("officer")
    content_type = ContentType.objects.get_for_model(Partnership)
    retired = Group.objects.create(name=f"partnership:{world.home.pk}:retired_role")
    PartnershipGroupObjectPermission.objects.create(
        group=retired,
        permission=Permission.objects.get(content_type=content_type, codename="sign_off"),
        content_object=world.home,
    )
    retired.user_set.add(officer)
    assert access_for(_fresh(officer)).has(C.SIGN_OFF, world.home)

    role_groups_sync()

    assert not Group.objects.filter(name=retired.name).exists()
    assert not access_for(_fresh(officer)).has(C.SIGN_OFF, world.home)
    assert access_for(_fresh(officer)).has(C.CONTRIBUTE, world.home)
    # The groups of roles that still exist are kept.
    assert (
        role_group(role=Role.OFFICER, scope_object=world.home)
        .user_set.filter(pk=officer.pk)
        .exists()
    )


# Inviting someone who has no account yet --------------------------------------------------


def test_granting_to_a_new_email_creates_the_account_and_emails_a_set_password_link(
    world, django_capture_on_commit_callbacks
):
    manager = world.person("manager")
    with django_capture_on_commit_callbacks(execute=True):
        new, invited = role_grant_to_email(
            partnership=world.home,
            email=" New.Person@Example.org ",
            name=" Sam Okafor ",
            role=Role.VIEWER,
            by=manager,
        )

    assert invited
    user = new.user
    assert (user.email, user.name) == ("new.person@example.org", "Sam Okafor")
    assert not user.has_usable_password()
    assert user.history.get().history_user == manager
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert message.subject == f"You have been given access to {world.home.name} on CSP Portal"
    assert "/accounts/password-reset/" in message.body
    assert manager.name in message.body


def test_granting_to_an_existing_email_sends_no_invitation(
    world, django_capture_on_commit_callbacks
):
    colleague = UserFactory(email="priya@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        new, invited = role_grant_to_email(
            partnership=world.home,
            email="PRIYA@example.org",
            name="",
            role=Role.OFFICER,
            by=world.person("manager"),
        )
    assert not invited
    assert new.user == colleague
    assert mail.outbox == []


def test_an_unknown_email_without_a_name_is_refused_and_nothing_is_created(world):
    with pytest.raises(ValidationError) as caught:
        user_find_or_invite(
            email="nobody@example.org",
            name="  ",
            by=world.person("manager"),
            partnership=world.home,
        )
    assert "Enter their full name" in caught.value.message_dict["name"][0]
    assert not User.objects.filter(email="nobody@example.org").exists()


def test_a_refused_grant_creates_no_account(world, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Exception, match="Only a manager"),
    ):
        role_grant_to_email(
            partnership=world.home,
            email="sneaky@example.org",
            name="Sneaky",
            role=Role.VIEWER,
            by=world.person("other_partnership"),
        )
    assert not User.objects.filter(email="sneaky@example.org").exists()
    assert mail.outbox == []
