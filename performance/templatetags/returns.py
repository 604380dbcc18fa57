"""Template helpers for the quarterly return pages: numbers as a measure's unit writes
them, a return's status, and the direction of travel in words."""

from __future__ import annotations

from typing import Any

from django import template

from csp_portal.lib.numbers import format_number
from performance.models import Direction, PerformanceReturn
from performance.presentation import status_tag
from priorities.models import Measure

register = template.Library()

Unit = Measure.Unit


@register.filter
def measure_number(value: Any, unit: str = Unit.COUNT) -> str:
    """2162 -> "2,162"; 88.5 % -> "88.5%"; 1250.5 money -> "£1,250.50". Empty for no
    value (csp_portal.lib.numbers.format_number, as everywhere)."""
    return format_number(value, unit)


@register.filter
def return_status_tag(ret: PerformanceReturn | None) -> tuple[str, str]:
    """(words, colour) of a return's status, as the dashboard and overview show it."""
    return status_tag(ret)


_DIRECTION_WORDS = {
    Direction.IMPROVING: "Improving on last quarter",
    Direction.SAME: "No change from last quarter",
    Direction.WORSENING: "Worse than last quarter",
    Direction.UNKNOWN: "Direction of travel not known",
}


@register.filter
def direction_words(direction: str) -> str:
    try:
        return _DIRECTION_WORDS[Direction(direction)]
    except ValueError:
        return ""


@register.filter
def baseline(measure: Measure) -> str:
    """The baseline with its date, as the Norfolk return's "Baseline (incl. date)"."""
    parts = []
    if measure.baseline_value is not None:
        parts.append(measure_number(measure.baseline_value, measure.unit))
    when = measure.baseline_label or (
        f"{measure.baseline_date:%-d %B %Y}" if measure.baseline_date else ""
    )
    if when:
        parts.append(f"({when})" if parts else when)
    return " ".join(parts)
