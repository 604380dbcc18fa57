"""Reads for the partnership performance dashboard: the quarter chosen, its priorities'
RAG, and each measure's values over the last TREND_QUARTERS quarters.

The page runs a fixed number of queries whatever the number of quarters, priorities or
measures: each function below loads a whole set in one query and assembles the page in
memory.

Who sees what: only returns the person may see (PerformanceReturn.objects.visible_to:
drafts and returns awaiting sign-off for people with VIEW_WORKING_PAPERS, otherwise
approved returns only), and the trend charts take their values from those returns alone.

Quarter arithmetic is in performance.periods, status and RAG words in
performance.presentation, and the force-area overview in performance.overview_selectors.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from csp_portal.lib.access import access_for
from csp_portal.lib.numbers import format_number
from performance.models import MeasureValue, PerformanceReturn, Rag, ReturnSection, is_overdue
from performance.periods import period_label, period_slug, quarters_ending
from performance.presentation import NOT_STARTED, STATUSES, rag_tag, rag_words, return_status
from performance.selectors import sections_with_values
from priorities.models import Measure, MeasureTarget, financial_year_label

if TYPE_CHECKING:
    from accounts.models import User
    from partnerships.models import Partnership

TREND_QUARTERS = 8


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
    visible = (
        PerformanceReturn.objects.filter(partnership=partnership)
        .visible_to(access_for(user))
        .select_related("period")
        .order_by("-period__financial_year", "-period__quarter")
    )
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

    sections = list(sections_with_values().filter(performance_return=chosen))
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
