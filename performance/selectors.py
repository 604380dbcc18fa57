"""Reads about quarterly returns that span relations.

Each returns pre-joined rows, so the return pages run a fixed number of queries whatever
the number of priorities, measures or events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User
from csp_portal.lib.access import access_for
from performance.models import (
    MeasureValue,
    PerformanceReturn,
    ReturnEvent,
    ReturnSection,
    ReturnVersion,
)
from performance.periods import months_label, period_label, period_slug, quarter_dates
from performance.permissions import can_see_event, can_see_event_comment, history_audience
from priorities.models import Plan

if TYPE_CHECKING:
    from partnerships.models import Partnership


# Query-string sort keys of the returns list -> ordering.
RETURN_SORTS = {
    "-period": ("-period__financial_year", "-period__quarter"),
    "period": ("period__financial_year", "period__quarter"),
}


def return_queryset() -> QuerySet[PerformanceReturn]:
    """Returns with their partnership (for the permission check) and period.

    Deliberately few joins: PostgreSQL's planning time grows quickly with the number of
    joined tables, and a nine-table lookup of one return took 9 ms against 1.6 ms for
    this one. attach_people() adds the people and the open query."""
    return PerformanceReturn.objects.select_related("partnership__force_area", "period", "plan")


def attach_people(ret: PerformanceReturn) -> PerformanceReturn:
    """Load who submitted and approved the return, its plan and its open PCC query, in
    at most three small queries (each only when there is something to load)."""
    ids = {ret.submitted_by_id, ret.approved_by_id} - {None}
    if ids:
        people = User.objects.in_bulk(ids)
        ret.submitted_by = people.get(ret.submitted_by_id)
        ret.approved_by = people.get(ret.approved_by_id)
    if ret.open_query_id:
        ret.open_query = ReturnEvent.objects.select_related("by").get(pk=ret.open_query_id)
    return ret


def return_list_for_user(
    *,
    user: User,
    partnership: Partnership,
    status: str = "",
    financial_year: int | None = None,
    sort: str = "-period",
) -> QuerySet[PerformanceReturn]:
    """A partnership's returns that the person may see: every one with working papers,
    approved ones only for readers of published material."""
    returns = visible_returns(user=user, partnership=partnership).select_related("period")
    if status:
        returns = returns.filter(status=status)
    if financial_year:
        returns = returns.filter(period__financial_year=financial_year)
    return returns.order_by(*RETURN_SORTS.get(sort, RETURN_SORTS["-period"]))


def visible_returns(*, user: User, partnership: Partnership) -> QuerySet[PerformanceReturn]:
    """The partnership's returns this person may see (PerformanceReturn.visible_to)."""
    return PerformanceReturn.objects.filter(partnership=partnership).visible_to(access_for(user))


def return_years(*, user: User, partnership: Partnership) -> list[int]:
    """Financial years that have a return this person may see, newest first (for the
    list's filter: a year offered to a scrutiny member would tell them that a draft
    exists in it)."""
    return list(
        visible_returns(user=user, partnership=partnership)
        .order_by("-period__financial_year")
        .values_list("period__financial_year", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class StartablePeriod:
    financial_year: int
    quarter: int

    @property
    def label(self) -> str:
        return period_label((self.financial_year, self.quarter))

    @property
    def slug(self) -> str:
        return period_slug((self.financial_year, self.quarter))

    @property
    def months_label(self) -> str:
        return months_label((self.financial_year, self.quarter))


def startable_periods(
    *, partnership: Partnership, today: dt.date | None = None
) -> list[StartablePeriod]:
    """Quarters of the adopted plan that have begun and have no return yet, newest first."""
    today = today or timezone.localdate()
    plan = partnership.plans.filter(status=Plan.Status.ADOPTED).first()
    if plan is None:
        return []
    started = set(
        PerformanceReturn.objects.filter(partnership=partnership).values_list(
            "period__financial_year", "period__quarter"
        )
    )
    periods = []
    for year in range(plan.last_year, plan.first_year - 1, -1):
        for quarter in (4, 3, 2, 1):
            if (year, quarter) in started or quarter_dates(year, quarter)[0] > today:
                continue
            periods.append(StartablePeriod(year, quarter))
    return periods


def sections_with_values() -> QuerySet[ReturnSection]:
    """Sections in order with their priority and their measure values (with measures) in
    the measures' order: the shape the dashboard, the downloads, the upload and the API read
    a return in (three queries, whatever the number of priorities and measures)."""
    values = MeasureValue.objects.select_related("measure").order_by(
        "measure__order", "measure__code"
    )
    return (
        ReturnSection.objects.select_related("priority")
        .prefetch_related(Prefetch("values", queryset=values))
        .order_by("order")
    )


def return_sections(*, performance_return: PerformanceReturn) -> list[ReturnSection]:
    """Every section of a return, in order, with its priority and measure rows (3 queries
    at most, whatever the number of priorities and measures)."""
    values = MeasureValue.objects.select_related("measure").order_by(
        "measure__order", "measure__code"
    )
    sections = list(
        ReturnSection.objects.filter(performance_return=performance_return)
        .select_related("priority", "updated_by")
        .prefetch_related(Prefetch("values", queryset=values, to_attr="rows"))
        .order_by("order")
    )
    for section in sections:
        section.performance_return = performance_return
    return sections


def return_section(
    *, performance_return: PerformanceReturn, priority_code: str
) -> tuple[ReturnSection | None, list[str]]:
    """One section of a return with its measure rows, and the priority codes of all the
    return's sections in order (for "priority 2 of 6" and the next one): 2 queries."""
    sections = list(
        ReturnSection.objects.filter(performance_return=performance_return)
        .select_related("priority", "updated_by")
        .order_by("order")
    )
    section = next((s for s in sections if s.priority.code == priority_code), None)
    if section is not None:
        section.performance_return = performance_return
        section.rows = list(
            MeasureValue.objects.filter(section=section)
            .select_related("measure")
            .order_by("measure__order", "measure__code")
        )
    return section, [s.priority.code for s in sections]


def return_events(*, performance_return: PerformanceReturn) -> list[ReturnEvent]:
    return list(
        ReturnEvent.objects.filter(performance_return=performance_return)
        .select_related("by", "version")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class HistoryRow:
    """A step of a return's history as one reader is shown it."""

    event: ReturnEvent
    comment: str


def return_history(
    *, user: User, performance_return: PerformanceReturn, events: list[ReturnEvent]
) -> list[HistoryRow]:
    """The steps and comments of the return's history this person may read (the rule
    and its reasons: performance.permissions.history_audience)."""
    audience = history_audience(user, performance_return)
    return [
        HistoryRow(event, event.comment if can_see_event_comment(audience, event) else "")
        for event in events
        if can_see_event(audience, event)
    ]


def return_versions(*, performance_return: PerformanceReturn) -> list[ReturnVersion]:
    return list(
        ReturnVersion.objects.filter(performance_return=performance_return)
        .select_related("submitted_by")
        .order_by("number")
    )


def last_returned_event(events: list[ReturnEvent]) -> ReturnEvent | None:
    """The manager's comments, if the return's latest step sent it back to the officers."""
    for event in reversed(events):
        if event.kind == ReturnEvent.Kind.RETURNED:
            return event
        if event.kind in (ReturnEvent.Kind.SUBMITTED, ReturnEvent.Kind.APPROVED):
            return None
    return None
