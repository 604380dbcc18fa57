from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from priorities.models import Action, Measure, MeasureTarget, Plan, Priority
from tests.partnerships.factories import PartnershipFactory


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    partnership = factory.SubFactory(PartnershipFactory)
    title = "Community Safety Partnership Plan 2013 to 2016"
    first_year = 2013
    last_year = 2015
    version = factory.Sequence(lambda n: n + 1)
    status = Plan.Status.DRAFT


class PriorityFactory(DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: chr(ord("A") + n % 26) + (str(n // 26) if n >= 26 else ""))
    title = factory.Sequence(lambda n: f"Reduce the incidence of crime and ASB ({n})")
    lead_officer = "ACC Jo Sample"
    order = factory.Sequence(lambda n: n)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    priority = factory.SubFactory(PriorityFactory)
    description = factory.Sequence(lambda n: f"Implement improvements to the MARAC process ({n})")
    lead_text = "DA Board"
    deadline_text = ""


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    priority = factory.SubFactory(PriorityFactory)
    code = factory.Sequence(lambda n: f"({n + 1})")
    title = factory.Sequence(lambda n: f"Priority crime {n}")
    unit = Measure.Unit.COUNT
    polarity = Measure.Polarity.LOWER_IS_BETTER
    target_basis = Measure.TargetBasis.TOTAL
    tolerance_percent = Decimal("5")


class MeasureTargetFactory(DjangoModelFactory):
    class Meta:
        model = MeasureTarget

    measure = factory.SubFactory(MeasureFactory)
    financial_year = 2013
    period = MeasureTarget.Period.Q1
    value = Decimal("2274")
