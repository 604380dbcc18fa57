"""Reads for the partnership performance dashboard and the PCC force-area overview.

Both pages run a fixed number of queries whatever the number of quarters, priorities,
measures or partnerships: each function below loads whole sets in one query each and
assembles the page in memory.

Who sees what:
- the dashboard shows only returns the person may see (drafts and returns awaiting
  sign-off for people with VIEW_WORKING_PAPERS; otherwise approved returns only), and
  the trend charts take their values from those returns alone;
- the overview shows every partnership's submission status, but the priorities'
  assessed RAG only from approved returns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.roles import Capability
from csp_portal.lib.access import access_for
from csp_portal.templatetags.portal import rag_words_and_colour
from performance.models import (
    MeasureValue,
    PerformanceReturn,
    Rag,
    ReportingPeriod,
    ReturnSection,
    period_containing,
    quarter_dates,
)
from priorities.models import Measure, MeasureTarget, financial_year_label

if TYPE_CHECKING:
    from accounts.models import User
    from partnerships.models import ForceArea, Partnership

TREND_QUARTERS = 8
_PERIOD_RE = re.compile(r"^(\d{4})-q([1-4])$")

# Submission status, as shown in tags: key -> (words, tag colour).
NOT_STARTED = "not_started"
DRAFT = "draft"
SUBMITTED = "submitted"
APPROVED = "approved"
QUERIED = "queried"
STATUSES: dict[str, tuple[str, str]] = {
    NOT_STARTED: ("Not started", "grey"),
    DRAFT: ("Draft", "blue"),
    SUBMITTED: ("Awaiting sign-off", "yellow"),
    APPROVED: ("Approved", "green"),
    QUERIED: ("Queried", "purple"),
}


# Small shared helpers --------------------------------------------------------------


def parse_period(slug: str | None) -> tuple[int, int] | None:
    """ "2013-q2" -> (2013, 2); anything else -> None."""
    match = _PERIOD_RE.match((slug or "").strip().lower())
    if not match:
        return None
    year, quarter = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        return None
    return year, quarter


def period_slug(key: tuple[int, int]) -> str:
    return f"{key[0]}-q{key[1]}"


def period_label(key: tuple[int, int]) -> str:
    return f"Q{key[1]} {financial_year_label(key[0])}"


def previous_key(key: tuple[int, int]) -> tuple[int, int]:
    year, quarter = key
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarters_ending(key: tuple[int, int], count: int) -> list[tuple[int, int]]:
    """The ``count`` quarters up to and including ``key``, oldest first."""
    keys = [key]
    while len(keys) < count:
        keys.append(previous_key(keys[-1]))
    return keys[::-1]


def unsaved_period(key: tuple[int, int]) -> ReportingPeriod:
    """A quarter nobody has started a return for yet: its dates and default deadline,
    without writing anything (reads never create rows)."""
    period = ReportingPeriod(financial_year=key[0], quarter=key[1])
    period.starts_on, period.ends_on = quarter_dates(*key)
    period.submission_deadline = period.ends_on + dt.timedelta(
        days=ReportingPeriod.DEFAULT_DEADLINE_DAYS
    )
    return period


def latest_ended_quarter(today: dt.date | None = None) -> tuple[int, int]:
    """The most recent quarter that has ended: the one returns are being made for."""
    today = today or timezone.localdate()
    return previous_key(period_containing(today))


def rag_tag(rag: str | None) -> tuple[str, str]:
    """(words, colour) for a RAG value; "Not rated" when there is none."""
    return rag_words_and_colour(rag)


def rag_words(rag: str | None) -> str:
    return rag_tag(rag)[0]


def return_status(ret: PerformanceReturn | None) -> str:
    if ret is None:
        return NOT_STARTED
    if ret.status == PerformanceReturn.Status.DRAFT:
        return QUERIED if ret.open_query_id else DRAFT
    return ret.status


def is_overdue(ret: PerformanceReturn | None, period: ReportingPeriod, today: dt.date) -> bool:
    """Not submitted although the deadline has passed, including returns not started.

    A return reopened by a PCC query was submitted on time, so it is not overdue; a
    return sent back for changes is (it has not been submitted as it stands)."""
    if today <= period.submission_deadline:
        return False
    return return_status(ret) in (NOT_STARTED, DRAFT)


def format_number(value: Decimal | float | None, unit: str) -> str:
    """A measure value as people read it: "2,274", "88%", "£65,000", "3.4"."""
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}".rstrip("0")
    if unit == Measure.Unit.PERCENTAGE:
        return f"{text}%"
    if unit == Measure.Unit.MONEY:
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    return text


# The partnership dashboard ----------------------------------------------------------


def returns_visible_to(*, user: User, partnership: Partnership) -> QuerySet[PerformanceReturn]:
    """The partnership's returns this person may see, newest first."""
    returns = PerformanceReturn.objects.filter(partnership=partnership)
    if not access_for(user).has(Capability.VIEW_WORKING_PAPERS, partnership):
        returns = returns.approved()
    return returns.select_related("period").order_by("-period__financial_year", "-period__quarter")


@dataclass
class TrendPoint:
    key: tuple[int, int]
    label: str
    value: Decimal | None
    target: Decimal | None
    rag: str
    # "value", "no_data", "not_measured" (a return without this measure), "no_return".
    state: str
    no_data_reason: str = ""

    @property
    def short_label(self) -> tuple[str, str]:
        return f"Q{self.key[1]}", financial_year_label(self.key[0])


@dataclass
class MeasureTrend:
    measure: Measure
    value: MeasureValue
    points: list[TrendPoint]
    summary: str = ""
    chart: Any = None


@dataclass
class PrioritySummary:
    section: ReturnSection
    measures: list[MeasureTrend] = field(default_factory=list)

    @property
    def assessed(self) -> tuple[str, str]:
        return rag_tag(self.section.assessed_rag)

    @property
    def suggested(self) -> tuple[str, str]:
        return rag_tag(self.section.suggested_rag)


@dataclass(frozen=True)
class ReturnRef:
    """What the dashboard needs of each of the partnership's returns: the quarter picker
    lists them all, and the charts' cache key uses the ones in their window. Read as
    plain values, as there are forty of them after ten years."""

    pk: int
    key: tuple[int, int]
    updated_at: dt.datetime

    @property
    def slug(self) -> str:
        return period_slug(self.key)

    @property
    def label(self) -> str:
        return period_label(self.key)


@dataclass
class Dashboard:
    returns: list[ReturnRef]
    chosen: PerformanceReturn | None
    requested: tuple[int, int] | None
    status: str = NOT_STARTED
    overdue: bool = False
    first_quarter: tuple[int, int] | None = None
    # The returns whose figures the charts use: what the charts' data depends on.
    window_returns: list[ReturnRef] = field(default_factory=list)
    _build_priorities: Any = None

    @cached_property
    def priorities(self) -> list[PrioritySummary]:
        """Built on first use (3 queries), so a page served from the cache skips them."""
        return self._build_priorities() if self._build_priorities else []

    @property
    def version(self) -> str:
        """Changes whenever anything the priorities and charts show changes: a return in
        the window saved, submitted, approved or queried (each bumps its updated_at)."""
        return ";".join(f"{r.pk}@{r.updated_at.timestamp()}" for r in self.window_returns)

    @property
    def status_tag(self) -> tuple[str, str]:
        return STATUSES[self.status]

    @property
    def first_label(self) -> str:
        return period_label(self.first_quarter) if self.first_quarter else ""

    @property
    def periods(self) -> list[tuple[str, str]]:
        return [(r.slug, r.label) for r in self.returns]


def dashboard_for(
    *,
    user: User,
    partnership: Partnership,
    period: tuple[int, int] | None = None,
    today: dt.date | None = None,
) -> Dashboard:
    """The quarter to show (``period``, or the latest return the person may see), its
    sections' RAG, and each measure's values over the last TREND_QUARTERS quarters,
    followed across plan versions by the measure's lineage."""
    today = today or timezone.localdate()
    visible = returns_visible_to(user=user, partnership=partnership)
    returns = [
        ReturnRef(pk=pk, key=(year, quarter), updated_at=updated_at)
        for pk, year, quarter, updated_at in visible.values_list(
            "pk", "period__financial_year", "period__quarter", "updated_at"
        )
    ]
    if period is None:
        ref = returns[0] if returns else None
    else:
        ref = next((r for r in returns if r.key == period), None)
    if ref is None:
        return Dashboard(returns=returns, chosen=None, requested=period)
    chosen = visible.get(pk=ref.pk)
    chosen.partnership = partnership  # already loaded

    window = quarters_ending(ref.key, TREND_QUARTERS)
    by_key = {r.key: r for r in returns}
    window_returns = {k: by_key[k] for k in window if k in by_key}
    return Dashboard(
        returns=returns,
        chosen=chosen,
        requested=period,
        status=return_status(chosen),
        overdue=is_overdue(chosen, chosen.period, today),
        first_quarter=window[0],
        window_returns=list(window_returns.values()),
        _build_priorities=lambda: _priorities(chosen, window, window_returns),
    )


def _priorities(
    chosen: PerformanceReturn,
    window: list[tuple[int, int]],
    window_returns: dict[tuple[int, int], ReturnRef],
) -> list[PrioritySummary]:

    sections = list(
        chosen.sections.select_related("priority")
        .prefetch_related(
            Prefetch(
                "values",
                queryset=MeasureValue.objects.select_related("measure").order_by(
                    "measure__order", "measure__code"
                ),
            )
        )
        .order_by("order")
    )
    values = [mv for s in sections for mv in s.values.all()]
    lineages = {mv.measure.lineage for mv in values}

    history: dict[Any, dict[tuple[int, int], dict]] = defaultdict(dict)
    for row in MeasureValue.objects.filter(
        section__performance_return_id__in=[r.pk for r in window_returns.values()],
        measure__lineage__in=lineages,
    ).values(
        "measure__lineage",
        "section__performance_return__period__financial_year",
        "section__performance_return__period__quarter",
        "value",
        "target",
        "no_data",
        "no_data_reason",
        "calculated_rag",
    ):
        row_key = (
            row["section__performance_return__period__financial_year"],
            row["section__performance_return__period__quarter"],
        )
        history[row["measure__lineage"]][row_key] = row

    # Targets for quarters with no return to read them from, from this plan's measures.
    targets: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for target in MeasureTarget.objects.filter(
        measure__in=[mv.measure_id for mv in values],
        financial_year__in={k[0] for k in window},
    ).only("measure_id", "financial_year", "period", "value"):
        targets[target.measure_id][target.financial_year][target.period] = target.value

    priorities = []
    for section in sections:
        summary = PrioritySummary(section=section)
        for mv in section.values.all():
            points = []
            for point_key in window:
                row = history[mv.measure.lineage].get(point_key)
                label = period_label(point_key)
                if row is not None:
                    points.append(
                        TrendPoint(
                            key=point_key,
                            label=label,
                            value=None if row["no_data"] else row["value"],
                            target=row["target"],
                            rag=row["calculated_rag"],
                            state="no_data" if row["no_data"] else "value",
                            no_data_reason=row["no_data_reason"],
                        )
                    )
                else:
                    target = mv.measure.target_for(
                        point_key[0], point_key[1], targets[mv.measure_id][point_key[0]]
                    )
                    state = "not_measured" if point_key in window_returns else "no_return"
                    points.append(
                        TrendPoint(
                            key=point_key,
                            label=label,
                            value=None,
                            target=target,
                            rag="",
                            state=state,
                        )
                    )
            summary.measures.append(MeasureTrend(measure=mv.measure, value=mv, points=points))
        priorities.append(summary)
    return priorities


def trend_summary(trend: MeasureTrend) -> str:
    """The text alternative of a measure's chart: what the line shows, in words."""
    measure = trend.measure
    unit = measure.unit
    with_values = [p for p in trend.points if p.value is not None]
    first_label, last_label = trend.points[0].label, trend.points[-1].label
    lead = f"{measure.code} {measure.title}, {first_label} to {last_label}."
    if not with_values:
        return f"{lead} No values have been reported for these quarters."
    latest = with_values[-1]
    sentences = [lead]
    target_text = (
        f" against a target of {format_number(latest.target, unit)}"
        if latest.target is not None
        else ", with no target set"
    )
    rag = f" ({rag_words(latest.rag)})" if latest.rag else ""
    sentences.append(
        f"Latest value {format_number(latest.value, unit)} in {latest.label}{target_text}{rag}."
    )
    if len(with_values) > 1:
        first = with_values[0]
        since = f"{format_number(first.value, unit)} in {first.label}"
        if latest.value == first.value:
            sentences.append(f"That is unchanged from {since}.")
        else:
            rose = latest.value > first.value
            better = rose == (measure.polarity == Measure.Polarity.HIGHER_IS_BETTER)
            sentences.append(
                f"That is {'up' if rose else 'down'} from {since}, "
                f"{'an improvement' if better else 'a worsening'}."
            )
    rated = [p for p in with_values if p.target is not None and p.rag]
    if rated:
        met = sum(1 for p in rated if p.rag == Rag.GREEN)
        sentences.append(f"On or better than target in {met} of {len(rated)} rated quarters.")
    missing = len(trend.points) - len(with_values)
    if missing:
        sentences.append(f"{missing} of {len(trend.points)} quarters have no value shown.")
    polarity = "Higher" if measure.polarity == Measure.Polarity.HIGHER_IS_BETTER else "Lower"
    sentences.append(f"{polarity} is better.")
    return " ".join(sentences)


# The force-area overview ------------------------------------------------------------

SORTS = {
    "name": "Partnership name",
    "status": "Status",
    "submitted": "Date submitted",
    "red": "Most Red priorities",
}
_STATUS_ORDER = [NOT_STARTED, DRAFT, QUERIED, SUBMITTED, APPROVED]


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
    from django.db.models import Count, Max

    from partnerships.models import Partnership

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
    from partnerships.models import Partnership

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
        reporting_period = unsaved_period(period)

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
        for row in (
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
            sections[row["performance_return__partnership_id"]].append(
                OverviewPriority(
                    code=row["priority__code"],
                    title=row["priority__title"],
                    assessed=row["assessed_rag"],
                    suggested=row["suggested_rag"],
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
        rows.sort(key=lambda r: (_STATUS_ORDER.index(r.status), r.partnership.name))
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
    period_choices.sort(key=lambda choice: parse_period(choice[0]), reverse=True)

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
    from partnerships.models import ForceArea

    access = access_for(user)
    areas = ForceArea.objects.order_by("name")
    if access.is_site_admin:
        return areas
    return areas.filter(pk__in=access.force_area_ids_with(Capability.VIEW_OVERVIEW))
