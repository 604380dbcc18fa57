"""The grant ladder: what each role may do in a partnership, who reaches which partnership,
and who may grant which role (accounts.permissions, csp_portal.lib.access)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.permissions import can_grant_role, can_manage_roles, can_revoke_grant
from accounts.roles import ROLE_CAPABILITIES, Capability, Role
from accounts.services import role_grant_create, role_groups_sync
from csp_portal.lib.access import access_for
from partnerships.models import PartnershipGroupObjectPermission
from tests.accounts.factories import UserFactory
from tests.conftest import grant
from tests.partnerships.factories import PartnershipFactory

C = Capability
READ = {C.VIEW_PARTNERSHIP, C.VIEW_PUBLISHED}

# What each role may do in the partnership it reaches. Written out here, not read from
# accounts/roles.py, so that a change to a role's reach shows up as a failing test.
EXPECTED = {
    Role.VIEWER: READ | {C.VIEW_WORKING_PAPERS},
    Role.OFFICER: READ | {C.VIEW_WORKING_PAPERS, C.CONTRIBUTE},
    Role.MANAGER: READ
    | {C.VIEW_WORKING_PAPERS, C.CONTRIBUTE, C.SIGN_OFF, C.MANAGE_ROLES, C.VIEW_CHANGE_HISTORY},
    Role.DHR_PANEL: READ,
    Role.SCRUTINY: READ,
    Role.PCC_REVIEWER: READ | {C.QUERY_RETURNS, C.VIEW_OVERVIEW},
    Role.PANEL_MEMBER: READ,
}
PARTNERSHIP_ROLES = [Role.VIEWER, Role.OFFICER, Role.MANAGER, Role.DHR_PANEL, Role.SCRUTINY]
FORCE_AREA_ROLES = [Role.PCC_REVIEWER, Role.PANEL_MEMBER]


def _fresh(user: User) -> User:
    """The same person as a new request would see them (no cached access)."""
    return User.objects.get(pk=user.pk)


def _codes(capabilities) -> set[str]:
    return {str(c) for c in capabilities}


# The ladder, through the access helper and through guardian ------------------------------


@pytest.mark.parametrize("role", PARTNERSHIP_ROLES)
def test_it_gives_each_partnership_role_its_capabilities_in_that_partnership_only(world, role):
    user = _fresh(world.person(role))
    access = access_for(user)

    assert access.capabilities(world.home) == _codes(EXPECTED[role])
    for capability in Capability:
        expected = capability in EXPECTED[role]
        assert access.has(capability, world.home) is expected, capability
        # guardian answers the same, from the role group's object permissions.
        assert user.has_perm(f"partnerships.{capability}", world.home) is expected, capability
        assert not user.has_perm(f"partnerships.{capability}", world.neighbour)
        assert not user.has_perm(f"partnerships.{capability}", world.away)
    assert access.capabilities(world.neighbour) == frozenset()
    assert access.capabilities(world.away) == frozenset()
    assert not access.has_standing(world.neighbour)


@pytest.mark.parametrize("role", FORCE_AREA_ROLES)
def test_it_gives_each_force_area_role_its_capabilities_in_every_partnership_of_the_area(
    world, role
):
    user = _fresh(world.person(role))
    access = access_for(user)

    for partnership in (world.home, world.neighbour):
        assert access.capabilities(partnership) == _codes(EXPECTED[role])
    assert access.capabilities(world.away) == frozenset()
    assert access.force_area_capabilities(world.area.pk) == _codes(EXPECTED[role])
    for capability in Capability:
        expected = capability in EXPECTED[role]
        # guardian holds the permission on the force area itself...
        assert user.has_perm(f"partnerships.{capability}", world.area) is expected, capability
        assert not user.has_perm(f"partnerships.{capability}", world.other_area)
        # ...not on each partnership: the reach comes from access_for(), and has_perm
        # asks it (accounts.backends), so it answers for every partnership of the area.
        assert user.has_perm(f"partnerships.{capability}", world.home) is expected, capability
        assert not user.has_perm(f"partnerships.{capability}", world.away)


def test_it_gives_a_site_administrator_every_capability_everywhere(world):
    admin = _fresh(world.person("site_admin"))
    access = access_for(admin)
    assert access.is_site_admin
    for partnership in (world.home, world.neighbour, world.away):
        assert access.capabilities(partnership) == {c.value for c in Capability}
    assert set(access.partnerships()) == {world.home, world.neighbour, world.away}


def test_a_person_holding_two_roles_gets_the_union_of_their_capabilities(world):
    user = UserFactory()
    grant(user, Role.SCRUTINY, partnership=world.home)
    grant(user, Role.PCC_REVIEWER, force_area=world.area)
    access = access_for(_fresh(user))
    assert access.capabilities(world.home) == _codes(EXPECTED[Role.PCC_REVIEWER])
    assert access.capabilities(world.neighbour) == _codes(EXPECTED[Role.PCC_REVIEWER])


def test_an_inactive_account_can_do_nothing_whatever_its_roles(world):
    manager = world.person("manager")
    manager.is_active = False
    manager.save()
    access = access_for(_fresh(manager))
    assert access.capabilities(world.home) == frozenset()
    assert not access.has_any(C.VIEW_PARTNERSHIP)


def test_a_person_from_another_partnership_can_do_nothing_in_home(world):
    outsider = _fresh(world.person("other_partnership"))
    access = access_for(outsider)

    assert access.capabilities(world.neighbour)  # they do manage their own partnership
    assert access.capabilities(world.home) == frozenset()
    assert not access.has_standing(world.home)
    assert world.home not in access.partnerships()
    for capability in Capability:
        assert not outsider.has_perm(f"partnerships.{capability}", world.home)
    assert not can_manage_roles(outsider, world.home)
    assert not can_grant_role(outsider, role=Role.VIEWER, partnership=world.home)
    with pytest.raises(PermissionDenied):
        role_grant_create(user=UserFactory(), role=Role.VIEWER, partnership=world.home, by=outsider)


# Force-area reach --------------------------------------------------------------------


@pytest.mark.parametrize("role", FORCE_AREA_ROLES)
def test_a_force_area_role_reaches_a_partnership_created_after_the_grant(world, role):
    user = world.person(role)
    later = PartnershipFactory(
        name="Great Yarmouth CSP", slug="great-yarmouth", force_area=world.area
    )
    elsewhere = PartnershipFactory(name="Reading CSP", slug="reading", force_area=world.other_area)

    access = access_for(_fresh(user))
    assert access.capabilities(later) == _codes(EXPECTED[role])
    assert access.capabilities(elsewhere) == frozenset()
    assert set(access.partnerships()) == {world.home, world.neighbour, later}

    # Nothing was copied per partnership: one grant, for the force area, and no
    # partnership-level permission rows for any of the person's groups.
    grants = list(user.role_grants.all())
    assert [(g.role, g.force_area_id, g.partnership_id) for g in grants] == [
        (role, world.area.pk, None)
    ]
    assert not PartnershipGroupObjectPermission.objects.filter(group__user=user).exists()


# Who may grant what ------------------------------------------------------------------


@pytest.mark.parametrize("role", PARTNERSHIP_ROLES)
def test_a_manager_can_grant_every_partnership_role_in_their_own_partnership(world, role):
    manager = world.person("manager")
    colleague = UserFactory()

    assert can_grant_role(manager, role=role, partnership=world.home)
    new = role_grant_create(user=colleague, role=role, partnership=world.home, by=manager)

    assert new.granted_by == manager
    assert access_for(_fresh(colleague)).capabilities(world.home) == _codes(EXPECTED[role])


@pytest.mark.parametrize("role", PARTNERSHIP_ROLES)
def test_a_manager_cannot_grant_a_role_in_another_partnership(world, role):
    manager = world.person("manager")
    decision = can_grant_role(manager, role=role, partnership=world.neighbour)
    assert not decision
    assert "Only a manager of this partnership" in decision.reason
    with pytest.raises(PermissionDenied):
        role_grant_create(user=UserFactory(), role=role, partnership=world.neighbour, by=manager)


@pytest.mark.parametrize("role", FORCE_AREA_ROLES)
def test_only_a_site_administrator_can_grant_a_force_area_role(world, role):
    manager = world.person("manager")
    pcc = world.person("pcc_reviewer")
    for person in (manager, pcc):
        decision = can_grant_role(person, role=role, force_area=world.area)
        assert not decision
        assert "site administrator" in decision.reason
        with pytest.raises(PermissionDenied):
            role_grant_create(user=UserFactory(), role=role, force_area=world.area, by=person)

    granted = role_grant_create(
        user=UserFactory(), role=role, force_area=world.area, by=world.person("site_admin")
    )
    assert granted.force_area == world.area


@pytest.mark.parametrize("persona", ["viewer", "officer", "dhr_panel", "scrutiny", "pcc_reviewer"])
def test_someone_who_is_not_a_manager_cannot_grant_anything(world, persona):
    person = world.person(persona)
    for role in PARTNERSHIP_ROLES:
        assert not can_grant_role(person, role=role, partnership=world.home)


def test_nobody_can_grant_a_role_that_does_more_than_they_can(world, monkeypatch):
    """Give the DHR panel role a capability managers lack (as DHR will have its own), and
    a manager can no longer grant it, while a manager who also holds that capability can."""
    monkeypatch.setitem(
        ROLE_CAPABILITIES,
        Role.DHR_PANEL,
        ROLE_CAPABILITIES[Role.DHR_PANEL] | {C.QUERY_RETURNS},
    )
    role_groups_sync()
    manager = world.person("manager")

    decision = can_grant_role(manager, role=Role.DHR_PANEL, partnership=world.home)
    assert not decision
    assert (
        decision.reason
        == "You cannot grant a role that can do more than you can in this partnership."
    )
    with pytest.raises(PermissionDenied):
        role_grant_create(
            user=UserFactory(), role=Role.DHR_PANEL, partnership=world.home, by=manager
        )
    # The other roles are still within the manager's reach.
    assert can_grant_role(manager, role=Role.VIEWER, partnership=world.home)

    # A manager who also holds the capability (here through a PCC reviewer role) may.
    reviewer_manager = UserFactory()
    grant(reviewer_manager, Role.MANAGER, partnership=world.home)
    grant(reviewer_manager, Role.PCC_REVIEWER, force_area=world.area)
    assert can_grant_role(_fresh(reviewer_manager), role=Role.DHR_PANEL, partnership=world.home)

    # role_groups_sync() gave existing DHR panel members the new capability.
    assert access_for(_fresh(world.person("dhr_panel"))).has(C.QUERY_RETURNS, world.home)


def test_a_manager_cannot_revoke_their_own_role(world):
    manager = world.person("manager")
    own = manager.role_grants.get()
    decision = can_revoke_grant(manager, own)
    assert not decision
    assert decision.reason == "You cannot remove your own role. Ask another manager."


def test_a_manager_can_revoke_another_managers_role_but_not_one_in_another_partnership(world):
    manager = world.person("manager")
    colleague = UserFactory()
    theirs = grant(colleague, Role.MANAGER, partnership=world.home)
    neighbours = world.person("other_partnership").role_grants.get()
    assert can_revoke_grant(manager, theirs)
    assert not can_revoke_grant(manager, neighbours)


def test_a_manager_cannot_revoke_a_force_area_role(world):
    manager = world.person("manager")
    pcc_grant = world.person("pcc_reviewer").role_grants.get()
    assert not can_revoke_grant(manager, pcc_grant)
    assert can_revoke_grant(world.person("site_admin"), pcc_grant)


def test_every_role_reads_naturally_in_a_sentence():
    from accounts.roles import ROLE_IN_SENTENCE

    assert set(ROLE_IN_SENTENCE) == set(Role)
    # Acronyms and names keep their capitals; other roles are lower case mid-sentence.
    assert ROLE_IN_SENTENCE[Role.OFFICER] == "CSP officer"
    assert ROLE_IN_SENTENCE[Role.VIEWER] == "viewer"
    for role, phrase in ROLE_IN_SENTENCE.items():
        assert str(phrase).lower() == str(Role(role).label).lower()
