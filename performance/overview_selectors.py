"""Reads for the PCC force-area overview: every active partnership of a force area with
its return for a quarter.

The page runs a fixed number of queries whatever the number of partnerships: each
function below loads a whole set in one query and assembles the rows in memory.

What it shows: every partnership's submission status (Not started, Draft, Queried,
Awaiting sign-off, Approved) and whether it is overdue (PerformanceReturn's one rule,
``performance.models.is_overdue``), but the priorities' assessed RAG only from approved
returns. The page is one cached body for everyone who may see the overview, so it holds
only what is published to all of them: a draft's assessment is not shown before approval.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from accounts.roles import Capability
from csp_portal.lib.access import access_for
from partnerships.models import ForceArea, Partnership
from performance.models import PerformanceReturn, Rag, ReportingPeriod, ReturnSection, is_overdue
from performance.periods import latest_ended_quarter, parse_period, period_label, period_slug
from performance.presentation import (
    DRAFT,
    NOT_STARTED,
    STATUS_ORDER,
    STATUSES,
    rag_tag,
    return_status,
)

if TYPE_CHECKING:
    from accounts.models import User

SORTS = {
    "name": "Partnership name",
    "status": "Status",
    "submitted": "Date submitted",
    "red": "Most Red priorities",
}


@dataclass
class OverviewPriority:
    code: str
    title: str
    assessed: str
    suggested: str

    @property
    def assessed_tag(self) -> tuple[str, str]:
        return rag_tag(self.assessed)

    @property
    def suggested_tag(self) -> tuple[str, str]:
        return rag_tag(self.suggested)

    @property
    def disagrees(self) -> bool:
        return bool(self.assessed and self.suggested and self.assessed != self.suggested)


@dataclass
class OverviewRow:
    partnership: Partnership
    ret: PerformanceReturn | None
    status: str
    overdue: bool
    priorities: list[OverviewPriority]

    @property
    def status_tag(self) -> tuple[str, str]:
        return STATUSES[self.status]

    @property
    def submitted_at(self) -> dt.datetime | None:
        if self.ret is None or self.status in (NOT_STARTED, DRAFT):
            return None
        return self.ret.submitted_at

    @property
    def red_count(self) -> int:
        return sum(1 for p in self.priorities if p.assessed == Rag.RED)


@dataclass
class Overview:
    force_area: ForceArea
    period: ReportingPeriod
    key: tuple[int, int]
    rows: list[OverviewRow]
    all_rows: list[OverviewRow]
    periods: list[tuple[str, str]]
    counts: dict[str, int]
    rag_counts: dict[str, int]
    overdue_count: int

    @property
    def status_counts(self) -> list[tuple[str, str, str, int]]:
        return [
            (key, label, colour, self.counts.get(key, 0))
            for key, (label, colour) in STATUSES.items()
        ]


def overview_version(*, force_area: ForceArea, today: dt.date | None = None) -> str:
    """Changes whenever anything the overview shows can change: a partnership of the area
    added, renamed or made inactive, any of its returns changed (every save and workflow
    step moves a return's updated_at on), a reporting period's deadline edited, or the
    day (returns become overdue). Two small aggregate queries."""
    today = today or timezone.localdate()
    row = Partnership.objects.filter(force_area=force_area).aggregate(
        partnership_count=Count("id", distinct=True),
        partnerships_changed=Max("updated_at"),
        return_count=Count("returns"),
        returns_changed=Max("returns__updated_at"),
    )
    periods_changed = ReportingPeriod.objects.aggregate(changed=Max("updated_at"))["changed"]
    return f"{force_area.pk}|{today}|{sorted(row.items())}|{periods_changed}"


def overview_periods(*, force_area: ForceArea) -> list[ReportingPeriod]:
    """Quarters with at least one return in the force area, newest first."""
    return list(
        ReportingPeriod.objects.filter(returns__partnership__force_area=force_area)
        .distinct()
        .order_by("-financial_year", "-quarter")
    )


def overview_for(
    *,
    force_area: ForceArea,
    period: tuple[int, int] | None = None,
    status: str = "",
    overdue_only: bool = False,
    sort: str = "name",
    today: dt.date | None = None,
) -> Overview:
    """Every active partnership of the force area with its return for the quarter."""
    today = today or timezone.localdate()
    known = overview_periods(force_area=force_area)
    if period is None:
        period = (
            (known[0].financial_year, known[0].quarter) if known else latest_ended_quarter(today)
        )
    reporting_period = next(
        (p for p in known if (p.financial_year, p.quarter) == period), None
    ) or (ReportingPeriod.objects.filter(financial_year=period[0], quarter=period[1]).first())
    if reporting_period is None:
        reporting_period = ReportingPeriod.unsaved(period)

    partnerships = list(
        Partnership.objects.filter(force_area=force_area, active=True).order_by("name")
    )
    returns: dict[int, PerformanceReturn] = {}
    sections: dict[int, list[OverviewPriority]] = defaultdict(list)
    if reporting_period.pk:
        for ret in PerformanceReturn.objects.filter(
            period=reporting_period, partnership__force_area=force_area
        ):
            ret.period = reporting_period
            returns[ret.partnership_id] = ret
        for section in (
            ReturnSection.objects.filter(
                performance_return__period=reporting_period,
                performance_return__partnership__force_area=force_area,
                performance_return__status=PerformanceReturn.Status.APPROVED,
            )
            .order_by("performance_return_id", "order")
            .values(
                "performance_return__partnership_id",
                "priority__code",
                "priority__title",
                "assessed_rag",
                "suggested_rag",
            )
        ):
            sections[section["performance_return__partnership_id"]].append(
                OverviewPriority(
                    code=section["priority__code"],
                    title=section["priority__title"],
                    assessed=section["assessed_rag"],
                    suggested=section["suggested_rag"],
                )
            )

    all_rows = []
    for partnership in partnerships:
        ret = returns.get(partnership.pk)
        all_rows.append(
            OverviewRow(
                partnership=partnership,
                ret=ret,
                status=return_status(ret),
                overdue=is_overdue(ret, reporting_period, today),
                priorities=sections.get(partnership.pk, []),
            )
        )

    counts: dict[str, int] = defaultdict(int)
    rag_counts: dict[str, int] = {"red": 0, "amber": 0, "green": 0, "": 0}
    for row in all_rows:
        counts[row.status] += 1
        for p in row.priorities:
            rag_counts[p.assessed or ""] += 1

    rows = [
        r
        for r in all_rows
        if (not status or r.status == status) and (not overdue_only or r.overdue)
    ]
    if sort == "status":
        rows.sort(key=lambda r: (STATUS_ORDER.index(r.status), r.partnership.name))
    elif sort == "submitted":
        rows.sort(
            key=lambda r: (
                r.submitted_at is None,
                r.submitted_at or dt.datetime.min.replace(tzinfo=dt.UTC),
                r.partnership.name,
            )
        )
    elif sort == "red":
        rows.sort(key=lambda r: (-r.red_count, r.partnership.name))

    period_choices = [(p.slug, p.label) for p in known]
    if period not in [(p.financial_year, p.quarter) for p in known]:
        period_choices.append((period_slug(period), period_label(period)))
    current = latest_ended_quarter(today)
    if current not in [parse_period(s) for s, _label in period_choices]:
        period_choices.append((period_slug(current), period_label(current)))
    # Every slug here was made by period_slug from a valid quarter, so it parses; the
    # fallback is for the type only.
    period_choices.sort(key=lambda choice: parse_period(choice[0]) or (0, 0), reverse=True)

    return Overview(
        force_area=force_area,
        period=reporting_period,
        key=period,
        rows=rows,
        all_rows=all_rows,
        periods=period_choices,
        counts=dict(counts),
        rag_counts=rag_counts,
        overdue_count=sum(1 for r in all_rows if r.overdue),
    )


def force_areas_with_overview(*, user: User) -> QuerySet[ForceArea]:
    access = access_for(user)
    areas = ForceArea.objects.order_by("name")
    if access.is_site_admin:
        return areas
    return areas.filter(pk__in=access.force_area_ids_with(Capability.VIEW_OVERVIEW))
