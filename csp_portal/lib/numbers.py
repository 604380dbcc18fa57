"""Numbers and money as the portal shows them: one function for every page, chart,
text alternative and download that writes a figure for people to read.

- Counts and rates: thousands separated, decimals only when there are some, at most two
  and without trailing zeros: "2,274", "3.4", "0.25".
- Money: pounds, and pence as two digits when there are any: "£65,000", "£1,250.50"
  (never "£1,250.5"); a minus sign before the pound sign: "-£300".
- Percentages: "88%", "88.5%".

The unit is the measure's unit value ("count", "percentage", "rate_per_1000",
"money"), passed as a plain string so that this module imports no app.

``plain_number`` is the other way a number is written: as someone would type it back
into a form or a CSV cell ("2162", "88.5"), with no separators or symbols.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

MONEY = "money"
PERCENTAGE = "percentage"

_CENT = Decimal("0.01")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def format_number(value: Any, unit: str = "") -> str:
    """A figure as people read it in ``unit``: "2,274", "88.5%", "£1,250.50", "3.4".

    Empty for no value (None or ""), and for anything that is not a number."""
    number = _decimal(value)
    if number is None or not number.is_finite():
        return ""
    number = number.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    number = abs(number)
    if number == number.to_integral_value():
        text = f"{number:,.0f}"
    elif unit == MONEY:
        text = f"{number:,.2f}"
    else:
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
    if unit == MONEY:
        return f"{sign}£{text}"
    if unit == PERCENTAGE:
        return f"{sign}{text}%"
    return f"{sign}{text}"


def plain_number(value: Any) -> str:
    """A number as it would be typed: 2162.00 -> "2162", 88.50 -> "88.5"; "" for none."""
    number = _decimal(value)
    if number is None:
        return ""
    return format(number.normalize(), "f")
