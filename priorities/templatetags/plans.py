"""Template helpers for the plan pages: numbers in a measure's unit, status and RAG tags.

Tags always carry words; the colour is a second cue (docs/conventions.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from csp_portal.templatetags.portal import rag_tag, tag
from priorities.models import Action, Measure, Plan

register = template.Library()

_STATUS_COLOURS = {
    Action.Status.NOT_STARTED: "grey",
    Action.Status.IN_PROGRESS: "blue",
    Action.Status.COMPLETE: "green",
    Action.Status.ABANDONED: "grey",
}
_PLAN_COLOURS = {
    Plan.Status.DRAFT: "yellow",
    Plan.Status.ADOPTED: "green",
    Plan.Status.SUPERSEDED: "grey",
}


def format_number(value: Any) -> str:
    """4585 -> "4,585"; 2.50 -> "2.5"; None -> ""."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


@register.filter
def number(value: Any) -> str:
    return format_number(value)


@register.filter
def in_unit(value: Any, unit: str) -> str:
    """A value as the measure's unit writes it: "£65,000", "88%", "4,585"."""
    text = format_number(value)
    if not text:
        return ""
    if unit == Measure.Unit.MONEY:
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    if unit == Measure.Unit.PERCENTAGE:
        return f"{text}%"
    return text


@register.simple_tag
def action_rag(action: Action) -> str:
    return rag_tag(action.rag)


@register.simple_tag
def action_status(action: Action) -> str:
    return tag(action.get_status_display(), _STATUS_COLOURS.get(action.status, "grey"))


@register.simple_tag
def plan_status(plan: Plan) -> str:
    return tag(plan.get_status_display(), _PLAN_COLOURS.get(plan.status, "grey"))
