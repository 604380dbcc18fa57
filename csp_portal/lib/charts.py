"""Server-side SVG charts: no JavaScript, the same markup in the browser and in PDFs.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>`` (the text alternative, which the caller writes because only the caller
knows what the numbers mean). Pages put the data as a table right after the chart.

Series are told apart by line style and marker shape as well as colour, and the legend
is written out in words, so the chart survives printing in black and white and
colour blindness. Only presentation attributes are used (no ``style``), so the
portal's Content Security Policy needs no exception.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from csp_portal.lib.numbers import format_number

Number = int | float | Decimal

TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
GRID = "#b1b4b6"
BLUE = "#1d70b8"
FONT = "Arial, sans-serif"


@dataclass(frozen=True)
class Series:
    """One line of a chart. ``style`` is "solid" (a measured value, round markers) or
    "dashed" (a target or comparator, square markers)."""

    label: str
    values: Sequence[Number | None]
    style: str = "solid"
    colour: str = BLUE


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering low..high (about ``count`` of them)."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + (abs(low) or 1)
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    ticks = []
    value = first
    while value <= last + step / 1000:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _default_format(value: float) -> str:
    return format_number(value)


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str | tuple[str, str]],
    series: Sequence[Series],
    format_value: Callable[[float], str] = _default_format,
    width: int = 600,
    height: int = 320,
) -> SafeString:
    """A line chart of one or more series over the same labels (oldest first).

    ``labels`` may be pairs, drawn on two lines (for example ("Q2", "2013/14")).
    ``None`` values leave a gap in the line. ``chart_id`` must be unique on the page.
    """
    left, right, top, bottom = 64, 36, 56, 60
    plot_w = width - left - right
    plot_h = height - top - bottom
    numbers = [float(v) for s in series for v in s.values if v is not None]
    if numbers:
        low, high = min(numbers), max(numbers)
        # Start at zero unless that would squash the variation into a thin band; then
        # leave a little room below the lowest point so no line lies on the axis.
        if low >= 0 and low <= high * 0.5:
            low = 0.0
        else:
            span = (high - low) or abs(high) or 1.0
            low -= span * 0.1
        ticks = nice_ticks(low, high)
    else:
        ticks = [0.0, 1.0]
    y_min, y_max = ticks[0], ticks[-1]

    def x_at(index: int) -> float:
        if len(labels) == 1:
            return left + plot_w / 2
        return left + plot_w * index / (len(labels) - 1)

    def y_at(value: float) -> float:
        return top + plot_h - (value - y_min) / (y_max - y_min) * plot_h

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts: list[str] = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
            'aria-labelledby="{} {}" viewBox="0 0 {} {}" width="100%" '
            'preserveAspectRatio="xMinYMin meet" font-family="{}" font-size="16" fill="{}">',
            title_id,
            desc_id,
            width,
            height,
            FONT,
            TEXT,
        ),
        format_html('<title id="{}">{}</title>', title_id, title),
        format_html('<desc id="{}">{}</desc>', desc_id, description),
    ]

    # Grid lines and the value axis.
    for tick in ticks:
        y = y_at(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                left,
                _fmt(y),
                left + plot_w,
                _fmt(y),
                GRID,
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                left - 8,
                _fmt(y + 5),
                SECONDARY_TEXT,
                format_value(tick),
            )
        )
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>',
            left,
            top + plot_h,
            left + plot_w,
            top + plot_h,
            TEXT,
        )
    )

    # Period labels.
    for index, label in enumerate(labels):
        x = _fmt(x_at(index))
        first, second = label if isinstance(label, tuple) else (label, "")
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">{}</text>', x, top + plot_h + 20, first
            )
        )
        if second:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}" font-size="14">{}</text>',
                    x,
                    top + plot_h + 40,
                    SECONDARY_TEXT,
                    second,
                )
            )

    # The lines, broken where a value is missing, with a marker on every point.
    for line in series:
        dash = ' stroke-dasharray="8 5"' if line.style == "dashed" else ""
        run: list[str] = []
        runs: list[list[str]] = []
        for index, value in enumerate(line.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{_fmt(x_at(index))},{_fmt(y_at(float(value)))}")
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{escape(line.colour)}" '
                    f'stroke-width="3" stroke-linejoin="round"{dash}/>'
                )
        for index, value in enumerate(line.values):
            if value is None:
                continue
            parts.append(_marker(line, x_at(index), y_at(float(value))))

    # The legend, in words.
    legend_x = left
    for line in series:
        y = 22
        dash = ' stroke-dasharray="8 5"' if line.style == "dashed" else ""
        parts.append(
            f'<line x1="{legend_x}" y1="{y}" x2="{legend_x + 36}" y2="{y}" '
            f'stroke="{escape(line.colour)}" stroke-width="3"{dash}/>'
        )
        parts.append(_marker(line, legend_x + 18, y))
        parts.append(format_html('<text x="{}" y="{}">{}</text>', legend_x + 44, y + 5, line.label))
        legend_x += 44 + 9 * len(line.label) + 32
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece above is escaped)


def _marker(line: Series, x: float, y: float) -> str:
    colour = escape(line.colour)
    if line.style == "dashed":
        return (
            f'<rect x="{_fmt(x - 5)}" y="{_fmt(y - 5)}" width="10" height="10" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
        )
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="5" fill="{colour}"/>'
