"""Build an adopted plan and returns for a partnership, through the real services."""

from __future__ import annotations

from decimal import Decimal

from performance.services import performance_return_start, reporting_period_get
from priorities.models import Measure, Plan
from tests.priorities.factories import (
    MeasureFactory,
    MeasureTargetFactory,
    PlanFactory,
    PriorityFactory,
)


def adopted_plan(
    partnership,
    *,
    priorities: int = 2,
    measures: int = 2,
    first_year: int = 2013,
    last_year: int = 2015,
) -> Plan:
    """A plan with priorities A, B… each with count measures, lower is better, with
    quarterly targets of 100 for every year of the plan."""
    plan = PlanFactory(
        partnership=partnership,
        status=Plan.Status.ADOPTED,
        first_year=first_year,
        last_year=last_year,
        version=1,
    )
    for p in range(priorities):
        priority = PriorityFactory(plan=plan, code=chr(ord("A") + p), order=p)
        for m in range(measures):
            measure = MeasureFactory(
                priority=priority,
                code=f"({'i' * (m + 1)})",
                order=m,
                unit=Measure.Unit.COUNT,
                polarity=Measure.Polarity.LOWER_IS_BETTER,
            )
            for year in range(first_year, last_year + 1):
                for q in range(1, 5):
                    MeasureTargetFactory(
                        measure=measure, financial_year=year, period=f"q{q}", value=Decimal(100)
                    )
    return plan


def started_return(partnership, by, *, financial_year: int = 2013, quarter: int = 1):
    period = reporting_period_get(financial_year=financial_year, quarter=quarter)
    return performance_return_start(partnership=partnership, period=period, by=by)
