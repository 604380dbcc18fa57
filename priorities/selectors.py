"""Reads about plans that span relations: the plan list, a plan with everything in it,
the plan on a page, and the querysets behind the API.

Each read runs a fixed number of queries whatever the number of priorities, actions and
measures: relations are joined or prefetched, and targets are arranged in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.roles import Capability
from csp_portal.lib.access import access_for
from partnerships.models import Board, Membership, Organisation, PoliceAndCrimeObjective
from priorities.models import (
    Action,
    Measure,
    MeasureTarget,
    Plan,
    Priority,
    financial_year_label,
)

if TYPE_CHECKING:
    from uuid import UUID

    from accounts.models import User
    from partnerships.models import Partnership

QUARTERS = (1, 2, 3, 4)


# One object, inside a partnership ---------------------------------------------------


def _get(queryset: QuerySet, **lookup: Any) -> Any:
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def plan_get(*, partnership: Partnership, code: UUID) -> Plan:
    return _get(
        Plan.objects.select_related("partnership__force_area", "adopted_by", "previous"),
        partnership=partnership,
        code=code,
    )


def priority_get(*, partnership: Partnership, uid: UUID) -> Priority:
    return _get(
        Priority.objects.select_related("plan__partnership__force_area", "sponsor"),
        plan__partnership=partnership,
        uid=uid,
    )


def measure_get(*, partnership: Partnership, uid: UUID) -> Measure:
    return _get(
        Measure.objects.select_related("priority__plan__partnership__force_area").prefetch_related(
            "targets"
        ),
        priority__plan__partnership=partnership,
        uid=uid,
    )


def action_get(*, partnership: Partnership, code: UUID) -> Action:
    return _get(
        Action.objects.select_related(
            "priority__plan__partnership__force_area", "lead_organisation", "lead_board"
        ),
        priority__plan__partnership=partnership,
        code=code,
    )


# The partnership's plans ------------------------------------------------------------


@dataclass
class PlanList:
    current: Plan | None = None
    draft: Plan | None = None
    earlier: list[Plan] = field(default_factory=list)


def plan_list_for_user(*, user: User, partnership: Partnership) -> PlanList:
    """The adopted plan, the draft (for those who may see working papers), and earlier
    versions, newest first. One query."""
    access = access_for(user)
    statuses = []
    if access.has(Capability.VIEW_PUBLISHED, partnership):
        statuses += [Plan.Status.ADOPTED, Plan.Status.SUPERSEDED]
    if access.has(Capability.VIEW_WORKING_PAPERS, partnership):
        statuses.append(Plan.Status.DRAFT)
    result = PlanList()
    plans = (
        Plan.objects.filter(partnership=partnership, status__in=statuses)
        .select_related("adopted_by")
        .order_by("-version")
    )
    for plan in plans:
        if plan.status == Plan.Status.ADOPTED:
            result.current = plan
        elif plan.status == Plan.Status.DRAFT:
            result.draft = plan
        else:
            result.earlier.append(plan)
    return result


# A plan with everything in it --------------------------------------------------------


@dataclass
class TargetCell:
    value: Decimal | None
    # True when the quarter has no target of its own and it comes from the annual one.
    derived: bool = False


@dataclass
class TargetRow:
    financial_year: int
    label: str
    year: Decimal | None
    quarters: list[TargetCell]


def target_rows(measure: Measure, plan: Plan) -> list[TargetRow]:
    """The measure's targets for each year of the plan (targets must be prefetched)."""
    by_year: dict[int, dict[str, Decimal]] = {}
    for target in measure.targets.all():
        by_year.setdefault(target.financial_year, {})[target.period] = target.value
    rows = []
    for year in range(plan.first_year, plan.last_year + 1):
        targets = by_year.get(year, {})
        quarters = []
        for q in QUARTERS:
            own = targets.get(f"q{q}")
            if own is not None:
                quarters.append(TargetCell(own))
            else:
                value = measure.target_for(year, q, targets=targets)
                quarters.append(TargetCell(value, derived=value is not None))
        rows.append(
            TargetRow(
                financial_year=year,
                label=financial_year_label(year),
                year=targets.get(MeasureTarget.Period.YEAR),
                quarters=quarters,
            )
        )
    return rows


def plan_priorities(*, plan: Plan, today: dt.date | None = None) -> list[Priority]:
    """The plan's priorities with sponsor, objectives, actions (leads joined) and measures
    (targets arranged per year on ``measure.target_rows``). Five queries."""
    today = today or timezone.localdate()
    priorities = list(
        plan.priorities.select_related("sponsor").prefetch_related(
            Prefetch("objectives", queryset=PoliceAndCrimeObjective.objects.order_by("order")),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("lead_organisation", "lead_board"),
            ),
            Prefetch("measures", queryset=Measure.objects.prefetch_related("targets")),
        )
    )
    for priority in priorities:
        priority.plan = plan  # saves a query wherever priority.plan is read
        for measure in priority.measures.all():
            measure.target_rows = target_rows(measure, plan)
        for action in priority.actions.all():
            action.overdue = action.is_overdue(today)
    return priorities


# Plan on a page ---------------------------------------------------------------------


@dataclass
class PageGroup:
    priority: Priority
    actions: list[Action]


def plan_on_a_page(
    *, plan: Plan, overdue_only: bool = False, today: dt.date | None = None
) -> list[PageGroup]:
    """Priorities with their actions (Somerset's Annex A). With ``overdue_only``, only
    overdue actions, and only the priorities that have one. Two queries."""
    today = today or timezone.localdate()
    priorities = plan.priorities.prefetch_related(
        Prefetch(
            "actions", queryset=Action.objects.select_related("lead_organisation", "lead_board")
        )
    )
    groups = []
    for priority in priorities:
        actions = list(priority.actions.all())
        for action in actions:
            action.overdue = action.is_overdue(today)
        if overdue_only:
            actions = [a for a in actions if a.overdue]
            if not actions:
                continue
        groups.append(PageGroup(priority=priority, actions=actions))
    return groups


# Choices for the forms ---------------------------------------------------------------


def member_organisations(*, partnership: Partnership) -> list[Organisation]:
    return [
        m.organisation
        for m in Membership.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def partnership_boards(*, partnership: Partnership) -> list[Board]:
    return list(Board.objects.filter(partnership=partnership, active=True).order_by("name"))


def force_area_objectives(*, partnership: Partnership) -> QuerySet[PoliceAndCrimeObjective]:
    return PoliceAndCrimeObjective.objects.filter(force_area_id=partnership.force_area_id).order_by(
        "order", "code"
    )


# The API: everything the person may read, across partnerships -----------------------


def _visible(user: User, prefix: str, status_field: str) -> Q:
    """Published plans where the person may read published material; drafts only where
    they may see working papers."""
    access = access_for(user)
    published = access.partnership_filter(Capability.VIEW_PUBLISHED, prefix) & ~Q(
        **{status_field: Plan.Status.DRAFT}
    )
    drafts = access.partnership_filter(Capability.VIEW_WORKING_PAPERS, prefix) & Q(
        **{status_field: Plan.Status.DRAFT}
    )
    return published | drafts


def plans_for_user(*, user: User) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(_visible(user, "partnership__", "status"))
        .select_related("partnership", "adopted_by", "previous")
        .order_by("partnership__name", "-version")
    )


def priorities_for_user(*, user: User) -> QuerySet[Priority]:
    return (
        Priority.objects.filter(_visible(user, "plan__partnership__", "plan__status"))
        .select_related("plan__partnership", "sponsor")
        .prefetch_related(
            Prefetch("objectives", queryset=PoliceAndCrimeObjective.objects.order_by("order"))
        )
        .order_by("plan__partnership__name", "-plan__version", "order", "code")
    )


def actions_for_user(*, user: User) -> QuerySet[Action]:
    return (
        Action.objects.filter(
            _visible(user, "priority__plan__partnership__", "priority__plan__status")
        )
        .select_related("priority__plan__partnership", "lead_organisation", "lead_board")
        .order_by(
            "priority__plan__partnership__name",
            "-priority__plan__version",
            "priority__order",
            "priority__code",
            "order",
            "created_at",
        )
    )


def measures_for_user(*, user: User) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(
            _visible(user, "priority__plan__partnership__", "priority__plan__status")
        )
        .select_related("priority__plan__partnership")
        .prefetch_related("targets")
        .order_by(
            "priority__plan__partnership__name",
            "-priority__plan__version",
            "priority__order",
            "priority__code",
            "order",
            "code",
        )
    )
