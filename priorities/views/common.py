"""What every plan page does first: find the partnership through the access helper (404
without standing), then the plan and its rule in priorities.permissions (403 with the
reason); and the addresses and context the pages share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import reverse

from accounts.roles import Capability
from csp_portal.lib.access import access_for, get_partnership_for_user
from priorities import forms, selectors
from priorities.permissions import can_edit_plan, can_view_plan

if TYPE_CHECKING:
    from uuid import UUID

    from partnerships.models import Partnership
    from priorities.models import Plan, Priority


def partnership_for(request: HttpRequest, slug: str) -> Partnership:
    return get_partnership_for_user(request, slug, Capability.VIEW_PARTNERSHIP)


def page_context(request: HttpRequest, partnership: Partnership, **extra: Any) -> dict[str, Any]:
    return {
        "partnership": partnership,
        "capabilities": access_for(request.user).capabilities(partnership),
        **extra,
    }


def viewable_plan(request: HttpRequest, slug: str, code: UUID) -> Plan:
    plan = selectors.plan_get(partnership=partnership_for(request, slug), code=code)
    can_view_plan(request.user, plan).raise_if_denied()
    return plan


def editable_plan(request: HttpRequest, slug: str, code: UUID) -> Plan:
    plan = viewable_plan(request, slug, code)
    can_edit_plan(request.user, plan).raise_if_denied()
    return plan


def check_editable(request: HttpRequest, plan: Plan) -> None:
    can_view_plan(request.user, plan).raise_if_denied()
    can_edit_plan(request.user, plan).raise_if_denied()


def confirm_form(request: HttpRequest) -> forms.ConfirmForm:
    # Bound on any POST: a confirmation's POST carries only the CSRF token.
    return forms.ConfirmForm(request.POST if request.method == "POST" else None)


def plan_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("plans:detail", kwargs={"partnership": plan.partnership.slug, "code": plan.code})
    return f"{url}#{anchor}" if anchor else url


def priority_anchor(priority: Priority) -> str:
    return f"priority-{priority.uid}"
