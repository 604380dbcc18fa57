"""The plan services the pages rely on: deleting a draft, refreshing, identifiers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from priorities.models import Measure, MeasureTarget, Plan, Priority
from priorities.services import plan_delete, plan_refresh
from tests.performance.builders import adopted_plan
from tests.priorities.factories import MeasureFactory, PlanFactory, PriorityFactory


def test_it_gives_every_priority_and_measure_its_own_uid(world):
    plan = PlanFactory(partnership=world.home)
    first, second = PriorityFactory(plan=plan, code="A"), PriorityFactory(plan=plan, code="B")
    measures = [MeasureFactory(priority=first), MeasureFactory(priority=first)]
    assert first.uid is not None
    assert first.uid != second.uid
    assert measures[0].uid != measures[1].uid
    # The plan's own codes stay as written.
    assert Priority.objects.get(uid=first.uid).code == "A"


def test_it_deletes_a_draft_plan_with_everything_in_it(world):
    plan = PlanFactory(partnership=world.home)
    measure = MeasureFactory(priority=PriorityFactory(plan=plan))
    plan_delete(plan=plan, by=world.person("officer"))
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert not Measure.objects.filter(pk=measure.pk).exists()


@pytest.mark.parametrize("persona", ["scrutiny", "viewer", "other_partnership"])
def test_it_lets_only_contributors_delete_a_draft(world, persona):
    plan = PlanFactory(partnership=world.home)
    with pytest.raises(PermissionDenied):
        plan_delete(plan=plan, by=world.person(persona))
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_it_never_deletes_an_adopted_plan(world):
    plan = adopted_plan(world.home)
    with pytest.raises(PermissionDenied):
        plan_delete(plan=plan, by=world.person("manager"))
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_it_copies_only_the_targets_of_years_the_refreshed_plan_covers(world):
    plan = adopted_plan(world.home, priorities=1, measures=1, first_year=2013, last_year=2015)
    new = plan_refresh(plan=plan, by=world.person("manager"))
    assert (new.first_year, new.last_year) == (2014, 2016)
    copied = MeasureTarget.objects.filter(measure__priority__plan=new)
    assert sorted({t.financial_year for t in copied}) == [2014, 2015]
    assert all(t.value == Decimal(100) for t in copied)
    # The old version keeps all of its targets.
    old = MeasureTarget.objects.filter(measure__priority__plan=plan)
    assert sorted({t.financial_year for t in old}) == [2013, 2014, 2015]
