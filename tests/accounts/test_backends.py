"""``user.has_perm`` says what the access helper says (accounts.backends).

Every persona of the test world, every capability, and the three partnerships (home,
neighbour in the same force area, away in another): the two answers are the same. With
guardian's backend alone the force-area personas (PCC reviewer, panel member) would be
refused in the partnerships of their own area."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm

from accounts.models import User
from accounts.roles import Capability, Role
from csp_portal.lib.access import access_for
from tests.accounts.factories import UserFactory
from tests.conftest import PERSONAS, grant
from tests.priorities.factories import PlanFactory


def _fresh(world, persona: str):
    """The persona as a new request sees them (nothing cached on the user object)."""
    user = world.person(persona)
    return AnonymousUser() if user is None else User.objects.get(pk=user.pk)


@pytest.mark.parametrize("persona", PERSONAS)
def test_has_perm_agrees_with_the_access_helper_for_every_capability_and_partnership(
    world, persona
):
    user = _fresh(world, persona)
    access = access_for(user)
    answers = {}
    for partnership in (world.home, world.neighbour, world.away):
        for capability in Capability:
            expected = access.has(capability, partnership)
            answers[(partnership.slug, capability.value)] = expected
            assert user.has_perm(capability.value, partnership) is expected, (
                partnership.slug,
                capability,
            )
            assert user.has_perm(f"partnerships.{capability}", partnership) is expected
    # The comparison is not vacuous: every persona but the anonymous one can do
    # something somewhere, and nobody but the site administrator can do everything.
    if persona != "anonymous":
        assert any(answers.values())
    if persona != "site_admin":
        assert not all(answers.values())


@pytest.mark.parametrize("persona", PERSONAS)
def test_has_perm_on_a_force_area_agrees_with_the_access_helper(world, persona):
    user = _fresh(world, persona)
    access = access_for(user)
    for area in (world.area, world.other_area):
        for capability in Capability:
            expected = access.is_site_admin or capability in access.force_area_capabilities(area.pk)
            assert user.has_perm(f"partnerships.{capability}", area) is expected, (area, capability)


@pytest.mark.parametrize("role", [Role.PCC_REVIEWER, Role.PANEL_MEMBER])
def test_a_force_area_role_reaches_each_partnership_of_the_area_through_has_perm(world, role):
    user = _fresh(world, role)
    assert user.has_perm("partnerships.view_published", world.home)
    assert user.has_perm("partnerships.view_published", world.neighbour)
    assert not user.has_perm("partnerships.view_published", world.away)
    assert not user.has_perm("partnerships.contribute", world.home)


def test_a_grant_made_outside_the_roles_does_not_make_has_perm_disagree(world):
    """A guardian permission given to the person directly (not through a role group) is
    not a role: the access helper ignores it, and so does has_perm."""
    user = UserFactory()
    grant(user, Role.VIEWER, partnership=world.home)
    assign_perm("partnerships.sign_off", user, world.home)
    user = User.objects.get(pk=user.pk)
    assert not access_for(user).has(Capability.SIGN_OFF, world.home)
    assert not user.has_perm("partnerships.sign_off", world.home)
    assert user.has_perm("partnerships.view_working_papers", world.home)


def test_other_objects_are_left_to_guardian(world):
    """Per-object grants to named people (what the DHR pages will use) still work."""
    user = UserFactory()
    plan = PlanFactory(partnership=world.home)
    assert not user.has_perm("priorities.change_plan", plan)
    assign_perm("priorities.change_plan", user, plan)
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("priorities.change_plan", plan)


def test_a_permission_that_is_not_a_capability_is_left_to_the_other_backends(world):
    user = UserFactory()
    assign_perm("partnerships.change_partnership", user, world.home)
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("partnerships.change_partnership", world.home)
