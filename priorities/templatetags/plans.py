"""Template helpers for the plan pages: numbers in a measure's unit, status and RAG tags.

Tags always carry words; the colour is a second cue (docs/conventions.md)."""

from __future__ import annotations

from typing import Any

from django import template

from csp_portal.lib.numbers import format_number
from csp_portal.templatetags.portal import rag_tag, tag
from priorities.models import Action, Plan

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


@register.filter
def number(value: Any) -> str:
    """4585 -> "4,585"; 2.50 -> "2.5"; None -> "" (csp_portal.lib.numbers)."""
    return format_number(value)


@register.filter
def in_unit(value: Any, unit: str) -> str:
    """A value as the measure's unit writes it: "£65,000", "88%", "4,585"."""
    return format_number(value, unit)


@register.simple_tag
def action_rag(action: Action) -> str:
    return rag_tag(action.rag)


@register.simple_tag
def action_status(action: Action) -> str:
    return tag(action.get_status_display(), _STATUS_COLOURS.get(action.status, "grey"))


@register.simple_tag
def plan_status(plan: Plan) -> str:
    return tag(plan.get_status_display(), _PLAN_COLOURS.get(plan.status, "grey"))
