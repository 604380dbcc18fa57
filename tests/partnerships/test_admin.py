"""Everything is also in the Django admin (issue 2, point 6), for site administrators."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import RoleGrant
from accounts.roles import Role
from csp_portal.lib.access import access_for
from partnerships.models import (
    Board,
    ForceArea,
    Membership,
    Organisation,
    Partnership,
    PoliceAndCrimeObjective,
    StatutoryDuty,
)
from tests.accounts.factories import UserFactory
from tests.partnerships.factories import BoardFactory, MembershipFactory


@pytest.fixture
def one_of_each(world):
    world.person("officer")
    PoliceAndCrimeObjective.objects.create(force_area=world.area, code="1", title="Keep safe")
    MembershipFactory(partnership=world.home)
    BoardFactory(partnership=world.home)
    StatutoryDuty.objects.create(
        code="strategic-assessment",
        title="Strategic assessment",
        legal_source="SI 2007/1830",
        requirement="Prepare a strategic assessment every year.",
        frequency=StatutoryDuty.Frequency.ANNUAL,
        responsible="The strategy group",
    )
    return world


def _local_admin_models():
    return sorted(
        (m for m in admin.site._registry if m._meta.app_label in ("accounts", "partnerships")),
        key=lambda m: m.__name__,
    )


def test_every_partnership_and_people_model_is_in_the_admin():
    assert set(_local_admin_models()) >= {
        ForceArea,
        Partnership,
        Organisation,
        Membership,
        Board,
        StatutoryDuty,
        RoleGrant,
    }


@pytest.mark.parametrize("model", _local_admin_models(), ids=lambda m: m.__name__)
def test_each_admin_page_opens_for_a_site_administrator(one_of_each, client_for, model):
    client = client_for("site_admin")
    meta = model._meta
    obj = model._default_manager.first()
    urls = [
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
        reverse(f"admin:{meta.app_label}_{meta.model_name}_add"),
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]),
        reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_admin_is_closed_to_a_partnership_manager(world, client_for):
    response = client_for("manager").get(reverse("admin:partnerships_partnership_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_role_granted_in_the_admin_takes_effect_and_is_audited(world, client_for):
    colleague = UserFactory()
    response = client_for("site_admin").post(
        reverse("admin:accounts_rolegrant_add"),
        {
            "user": colleague.pk,
            "role": Role.PCC_REVIEWER,
            "partnership": "",
            "force_area": world.area.pk,
        },
    )
    assert response.status_code == 302
    new = RoleGrant.objects.get(user=colleague)
    assert new.granted_by == world.person("site_admin")
    assert access_for(type(colleague).objects.get(pk=colleague.pk)).has_standing(world.neighbour)


def test_roles_revoked_in_the_admin_are_kept_and_stop_working(world, client_for):
    officer = world.person("officer")
    officer_grant = officer.role_grants.get()
    response = client_for("site_admin").post(
        reverse("admin:accounts_rolegrant_changelist"),
        {"action": "revoke", "_selected_action": [officer_grant.pk]},
    )
    assert response.status_code == 302
    officer_grant.refresh_from_db()
    assert officer_grant.revoked_by == world.person("site_admin")
    assert not access_for(type(officer).objects.get(pk=officer.pk)).has_standing(world.home)


def test_a_web_address_typed_without_https_gets_it(world, client_for):
    client_for("site_admin").post(
        reverse("admin:partnerships_organisation_add"),
        {"name": "Norfolk County Council", "type": "local_authority", "website": "norfolk.gov.uk"},
    )
    assert Organisation.objects.get(name="Norfolk County Council").website == (
        "https://norfolk.gov.uk"
    )
