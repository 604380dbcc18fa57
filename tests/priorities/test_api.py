"""The read-only plan API: lists narrowed to what each person may read, the same 403/404
as the pages, JSON error bodies, filters, token authentication."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from csp_portal.lib.access import forget_access
from priorities.models import Plan
from tests.performance.builders import adopted_plan
from tests.priorities.factories import ActionFactory, MeasureFactory, PlanFactory, PriorityFactory


@pytest.fixture
def plans(world):
    """An adopted plan and a draft in home, an adopted plan in neighbour (same force
    area) and in away (another force area). Each has priority A with an action."""
    result = {
        "home": adopted_plan(world.home, priorities=1, measures=1),
        "neighbour": adopted_plan(world.neighbour, priorities=1, measures=1),
        "away": adopted_plan(world.away, priorities=1, measures=1),
    }
    draft = PlanFactory(partnership=world.home, version=2, title="Draft refresh")
    MeasureFactory(priority=PriorityFactory(plan=draft, code="A"), code="(i)")
    result["draft"] = draft
    for plan in result.values():
        ActionFactory(priority=plan.priorities.get(code="A"))
    return result


def api(world, persona) -> APIClient:
    client = APIClient()
    user = world.person(persona)
    if user is not None:
        client.force_authenticate(user)
    return client


def _codes(response, key="plan"):
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


def _plan_codes(plans, *names):
    return {str(plans[name].code) for name in names}


VISIBLE = {
    "viewer": ("home", "draft"),
    "officer": ("home", "draft"),
    "manager": ("home", "draft"),
    "scrutiny": ("home",),
    "dhr_panel": ("home",),
    "pcc_reviewer": ("home", "neighbour"),
    "panel_member": ("home", "neighbour"),
    "other_partnership": ("neighbour",),
    "other_area_pcc": ("away",),
    "site_admin": ("home", "draft", "neighbour", "away"),
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_it_narrows_every_list_to_what_the_person_may_read(world, plans, persona):
    client = api(world, persona)
    expected = _plan_codes(plans, *VISIBLE[persona])
    assert _codes(client.get(reverse("api:plan-list")), "code") == expected
    for endpoint in ("priority", "action", "measure"):
        assert _codes(client.get(reverse(f"api:{endpoint}-list"))) == expected, endpoint


def test_it_hides_the_draft_from_scrutiny(world, plans):
    client = api(world, "scrutiny")
    draft = plans["draft"]
    response = client.get(reverse("api:plan-detail", kwargs={"code": draft.code}))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "Draft plans are only shown" in response.json()["detail"]
    measure = draft.priorities.get().measures.get()
    assert client.get(reverse("api:measure-detail", kwargs={"uid": measure.uid})).status_code == 403
    assert str(draft.code) not in client.get(reverse("api:plan-list")).content.decode()


def test_it_answers_404_for_another_partnership_s_plan(world, plans):
    client = api(world, "other_partnership")
    response = client.get(reverse("api:plan-detail", kwargs={"code": plans["home"].code}))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    action = plans["home"].priorities.get().actions.get()
    response = api(world, "other_area_pcc").get(
        reverse("api:action-detail", kwargs={"code": action.code})
    )
    assert response.status_code == 404


def test_it_answers_json_for_every_client_error(world, plans):
    anonymous = APIClient().get(reverse("api:plan-list"))
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    assert anonymous.json()["detail"] == "Authentication credentials were not provided."
    bad_token = APIClient(HTTP_AUTHORIZATION="Token not-a-real-token").get(reverse("api:plan-list"))
    # Token authentication comes first in the settings, so DRF answers 401, not 403.
    assert bad_token.status_code == 401
    assert bad_token.json()["detail"] == "Invalid token."
    client = api(world, "officer")
    not_a_code = client.get(reverse("api:plan-detail", kwargs={"code": "not-a-uuid"}))
    assert not_a_code.status_code == 404
    assert not_a_code["Content-Type"] == "application/json"
    unknown = client.get(
        reverse("api:priority-detail", kwargs={"uid": "6f1c1b7e-0000-4000-8000-000000000000"})
    )
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "Not found."}
    bad_filter = client.get(reverse("api:measure-list"), {"plan": "nonsense"})
    assert bad_filter.status_code == 400
    assert bad_filter.json() == {"plan": ["Enter a valid plan code."]}
    not_allowed = client.post(reverse("api:plan-list"), {"title": "x"})
    assert not_allowed.status_code == 405
    assert "detail" in not_allowed.json()


def test_it_accepts_token_authentication(world, plans):
    token = Token.objects.create(user=world.person("scrutiny"))
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(reverse("api:plan-detail", kwargs={"code": plans["home"].code}))
    assert response.status_code == 200
    assert response.json()["status"] == "adopted"


def test_it_filters_by_partnership_and_plan(world, plans):
    client = api(world, "pcc_reviewer")
    by_partnership = client.get(reverse("api:action-list"), {"partnership": world.neighbour.slug})
    assert _codes(by_partnership) == _plan_codes(plans, "neighbour")
    by_plan = client.get(reverse("api:priority-list"), {"plan": str(plans["home"].code)})
    assert _codes(by_plan) == _plan_codes(plans, "home")
    # Filtering never widens what the person may read.
    hidden = client.get(reverse("api:measure-list"), {"plan": str(plans["draft"].code)})
    assert hidden.json()["results"] == []


def test_it_gives_a_plan_s_details(world, plans):
    plan = plans["home"]
    body = api(world, "scrutiny").get(reverse("api:plan-detail", kwargs={"code": plan.code})).json()
    assert body["partnership"] == world.home.slug
    assert body["period"] == "2013/14 to 2015/16"
    assert (body["first_year"], body["last_year"], body["version"]) == (2013, 2015, 1)


def test_it_gives_measures_with_their_targets(world, plans):
    measure = plans["home"].priorities.get().measures.get()
    body = (
        api(world, "scrutiny")
        .get(reverse("api:measure-detail", kwargs={"uid": measure.uid}))
        .json()
    )
    assert body["code"] == measure.code
    assert body["lineage"] == str(measure.lineage)
    assert body["plan"] == str(plans["home"].code)
    assert body["priority_code"] == "A"
    assert len(body["targets"]) == 12  # Q1–Q4 for each of three years
    assert {"financial_year": 2013, "period": "q1", "value": "100.00"} in body["targets"]
    assert Decimal(body["tolerance_percent"]) == Decimal(5)


def test_it_gives_priorities_with_objectives_and_actions_with_their_lead(world, plans):
    from partnerships.models import PoliceAndCrimeObjective

    priority = plans["home"].priorities.get()
    priority.objectives.add(
        PoliceAndCrimeObjective.objects.create(force_area=world.area, code="1", title="Safer")
    )
    client = api(world, "officer")
    body = client.get(reverse("api:priority-detail", kwargs={"uid": priority.uid})).json()
    assert body["objectives"] == [{"code": "1", "title": "Safer"}]
    action = priority.actions.get()
    body = client.get(reverse("api:action-detail", kwargs={"code": action.code})).json()
    assert (body["lead"], body["status"], body["is_overdue"]) == ("DA Board", "not_started", False)


@pytest.mark.parametrize("endpoint", ["plan", "priority", "action", "measure"])
def test_lists_run_the_same_queries_whatever_the_number_of_plans(world, endpoint):
    client = api(world, "pcc_reviewer")

    def count() -> int:
        forget_access(world.person("pcc_reviewer"))  # as in a fresh request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"api:{endpoint}-list")).status_code == 200
        return len(queries)

    plan = adopted_plan(world.home, priorities=1, measures=1)
    ActionFactory(priority=plan.priorities.get())
    few = count()
    for partnership in (world.neighbour,):
        more = adopted_plan(partnership, priorities=4, measures=3)
        for priority in more.priorities.all():
            ActionFactory(priority=priority)
            ActionFactory(priority=priority)
    assert Plan.objects.count() == 2
    assert count() == few
