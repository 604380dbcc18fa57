"""The calculated RAG of a measure, and the overall colour the measures suggest.

The rules (docs/rag-rules.md, after the Norfolk return's definitions):

- Green: on or better than target.
- Amber: short of target but within the measure's tolerance; or beyond the tolerance
  but not getting worse than the previous quarter (improving or unchanged).
- Red: short of target beyond the tolerance and worsening against the previous quarter.
  With no previous quarter to compare, a result beyond the tolerance is Red: Amber
  needs evidence that things are not getting worse.
- No rating: no value ("no data available") or no target.

"Short of target" follows the measure's polarity (higher or lower is better). The
tolerance is a percentage of the target: with a target of 2,274 and 5% tolerance, up to
2,387.70 still counts as Amber for a lower-is-better count.

These functions are pure so the server, the live preview as the officer types and the
tests all use the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from performance.models import Direction, Rag
from priorities.models import Measure

HIGHER = Measure.Polarity.HIGHER_IS_BETTER
LOWER = Measure.Polarity.LOWER_IS_BETTER

_SEVERITY = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}


def direction_of_travel(
    current: Decimal | None, previous: Decimal | None, polarity: str
) -> Direction:
    if current is None or previous is None:
        return Direction.UNKNOWN
    if current == previous:
        return Direction.SAME
    better = current > previous if polarity == HIGHER else current < previous
    return Direction.IMPROVING if better else Direction.WORSENING


def shortfall_percent(value: Decimal, target: Decimal, polarity: str) -> Decimal:
    """How far short of target the value is, as a percentage of the target (0 if met)."""
    gap = target - value if polarity == HIGHER else value - target
    if gap <= 0:
        return Decimal(0)
    if target == 0:
        return Decimal("Infinity")
    return gap / abs(target) * 100


def calculate_rag(
    *,
    value: Decimal | None,
    target: Decimal | None,
    previous: Decimal | None,
    polarity: str,
    tolerance_percent: Decimal,
) -> Rag | None:
    if value is None or target is None:
        return None
    shortfall = shortfall_percent(value, target, polarity)
    if shortfall == 0:
        return Rag.GREEN
    if shortfall <= tolerance_percent:
        return Rag.AMBER
    direction = direction_of_travel(value, previous, polarity)
    if direction in (Direction.IMPROVING, Direction.SAME):
        return Rag.AMBER
    return Rag.RED


def suggest_overall(rags: Iterable[str | None]) -> Rag | None:
    """The worst calculated colour among a priority's measures, or None if none is rated."""
    rated = [Rag(r) for r in rags if r]
    if not rated:
        return None
    return max(rated, key=_SEVERITY.__getitem__)
