"""Template helpers for the quarterly return pages: numbers as a measure's unit writes
them, and the direction of travel in words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from performance.models import Direction
from priorities.models import Measure

register = template.Library()

Unit = Measure.Unit


@register.filter
def measure_number(value: Any, unit: str = Unit.COUNT) -> str:
    """2162 -> "2,162"; 88.5 % -> "88.5%"; 65000 money -> "£65,000". Empty for no value."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    text = format(number.normalize(), ",f")
    if "." in text:
        whole, fraction = text.split(".")
        # Money keeps pence as two digits: £1,250.50, not £1,250.5.
        if unit == Unit.MONEY:
            text = f"{whole}.{fraction.ljust(2, '0')}"
    if unit == Unit.PERCENTAGE:
        return f"{text}%"
    if unit == Unit.MONEY:
        return f"£{text}"
    return text


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
