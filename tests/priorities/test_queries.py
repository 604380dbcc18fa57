"""The plan page and the plan on a page run a fixed number of queries, however many
priorities, actions, measures and targets the plan has."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from partnerships.models import PoliceAndCrimeObjective
from priorities.models import Plan
from tests.partnerships.factories import BoardFactory, MembershipFactory, OrganisationFactory
from tests.priorities.factories import (
    ActionFactory,
    MeasureFactory,
    MeasureTargetFactory,
    PlanFactory,
    PriorityFactory,
)

# Session, user, partnership, the person's roles (1), plan; the plan's content:
# priorities, objectives, actions (leads joined), measures, targets. (The first request of
# a session also saves its last-seen time, so each test warms the session up first.)
PLAN_PAGE_QUERIES = 10
# As above, without objectives, measures and targets.
ON_A_PAGE_QUERIES = 7


def build_plan(partnership, area, *, priorities: int, status=Plan.Status.DRAFT) -> Plan:
    plan = PlanFactory(partnership=partnership, status=status, version=1)
    organisation = OrganisationFactory(name="Norfolk Constabulary")
    MembershipFactory(partnership=partnership, organisation=organisation)
    board = BoardFactory(partnership=partnership, name="Domestic Abuse Board")
    objectives = [
        PoliceAndCrimeObjective.objects.get_or_create(
            force_area=area, code=str(n), defaults={"title": f"Objective {n}"}
        )[0]
        for n in range(1, 4)
    ]
    for p in range(priorities):
        priority = PriorityFactory(plan=plan, code=str(p + 1), sponsor=organisation)
        priority.objectives.set(objectives[: 1 + p % 3])
        for a in range(3):
            ActionFactory(
                priority=priority,
                lead_organisation=organisation if a == 0 else None,
                lead_board=board if a == 1 else None,
                deadline_date=dt.date(2014, 3, 31) if a != 2 else None,
                deadline_text="Quarterly" if a == 2 else "",
            )
        for m in range(2):
            measure = MeasureFactory(priority=priority, code=f"({m + 1})")
            for year in (2013, 2014, 2015):
                for period in ("year", "q1", "q3"):
                    MeasureTargetFactory(
                        measure=measure, financial_year=year, period=period, value=Decimal(10)
                    )
    return plan


@pytest.mark.parametrize("priorities", [2, 8])
def test_the_plan_page_runs_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, priorities
):
    plan = build_plan(world.home, world.area, priorities=priorities)
    client = client_for("officer")
    client.get(reverse("home"))
    url = reverse("plans:detail", kwargs={"partnership": world.home.slug, "code": plan.code})
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("Set targets") == priorities * 2


@pytest.mark.parametrize("priorities", [2, 8])
def test_plan_on_a_page_runs_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, priorities
):
    plan = build_plan(world.home, world.area, priorities=priorities, status=Plan.Status.ADOPTED)
    client = client_for("scrutiny")
    client.get(reverse("home"))
    url = reverse("plans:on_a_page", kwargs={"partnership": world.home.slug, "code": plan.code})
    with django_assert_num_queries(ON_A_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('scope="rowgroup"') == priorities
    csv_url = reverse(
        "plans:on_a_page_csv", kwargs={"partnership": world.home.slug, "code": plan.code}
    )
    with django_assert_num_queries(ON_A_PAGE_QUERIES):
        response = client.get(csv_url)
    assert response.content.decode("utf-8-sig").count("\n") == 1 + priorities * 3
