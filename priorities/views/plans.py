"""The partnership's plans and one plan: the list, drafting and changing a plan, adoption,
the yearly refresh and the plan on a page (with its CSV)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse

from accounts.roles import Capability
from csp_portal.lib.access import access_for
from csp_portal.lib.spreadsheets import csv_response
from csp_portal.lib.views import form_action
from priorities import forms, selectors, services
from priorities.models import Plan
from priorities.permissions import (
    can_adopt_plan,
    can_create_plan,
    can_edit_plan,
    can_refresh_plan,
    can_update_action_progress,
)
from priorities.views.common import (
    confirm_form,
    editable_plan,
    page_context,
    partnership_for,
    plan_url,
    viewable_plan,
)

if TYPE_CHECKING:
    from uuid import UUID


# The partnership's plans ---------------------------------------------------------------


def plan_list(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = partnership_for(request, partnership)
    access = access_for(request.user)
    if not (
        access.has(Capability.VIEW_PUBLISHED, partnership_obj)
        or access.has(Capability.VIEW_WORKING_PAPERS, partnership_obj)
    ):
        raise PermissionDenied("You cannot see this partnership's plans.")
    plans = selectors.plan_list_for_user(user=request.user, partnership=partnership_obj)
    return render(
        request,
        "priorities/plan_list.html",
        page_context(
            request,
            partnership_obj,
            plans=plans,
            can_create=can_create_plan(request.user, partnership_obj),
            can_refresh=plans.current is not None and can_refresh_plan(request.user, plans.current),
        ),
    )


def plan_create(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = partnership_for(request, partnership)
    can_create_plan(request.user, partnership_obj).raise_if_denied()
    form = forms.PlanForm(request.POST or None)
    return form_action(
        request,
        form=form,
        service=lambda: services.plan_create(
            partnership=partnership_obj, by=request.user, **form.cleaned_data
        ),
        success_message=lambda plan: f"You have drafted {plan.title}. Now add its priorities.",
        success_url=plan_url,
        template="priorities/plan_form.html",
        context=page_context(
            request,
            partnership_obj,
            heading="Draft a plan",
            button="Save and continue",
            cancel_url=reverse("plans:list", kwargs={"partnership": partnership_obj.slug}),
        ),
    )


def plan_detail(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = viewable_plan(request, partnership, code)
    user = request.user
    return render(
        request,
        "priorities/plan_detail.html",
        page_context(
            request,
            plan.partnership,
            plan=plan,
            priorities=selectors.plan_priorities(plan=plan),
            can_edit=can_edit_plan(user, plan),
            can_update_progress=can_update_action_progress(user, plan),
            can_adopt=can_adopt_plan(user, plan),
            can_refresh=can_refresh_plan(user, plan)
            if plan.status == Plan.Status.ADOPTED
            else False,
        ),
    )


def _plan_saved_message(removed: int) -> str:
    if not removed:
        return "The plan's details have been saved."
    return (
        f"The plan's details have been saved. {removed} target{pluralize(removed)} for years"
        f" the plan no longer covers {pluralize(removed, 'was,were')} removed."
    )


def plan_edit(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = editable_plan(request, partnership, code)
    initial = {
        name: getattr(plan, name) for name in ("title", "first_year", "last_year", "summary")
    }
    form = forms.PlanForm(request.POST or None, initial=initial)
    return form_action(
        request,
        form=form,
        service=lambda: services.plan_update(plan=plan, data=form.cleaned_data, by=request.user),
        success_message=_plan_saved_message,
        success_url=plan_url(plan),
        template="priorities/plan_form.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            heading="Change the plan's details",
            button="Save",
            cancel_url=plan_url(plan),
        ),
    )


def plan_delete(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = editable_plan(request, partnership, code)
    return form_action(
        request,
        form=confirm_form(request),
        service=lambda: services.plan_delete(plan=plan, by=request.user),
        success_message=f"The draft {plan.title} has been deleted.",
        success_url=reverse("plans:list", kwargs={"partnership": plan.partnership.slug}),
        template="priorities/confirm_delete.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            heading=f"Delete the draft {plan.title}?",
            explanation="Its priorities, measures, targets and actions are deleted with it. The change is kept in the partnership's change history.",
            button="Delete draft plan",
            cancel_url=plan_url(plan),
        ),
    )


def plan_adopt(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = viewable_plan(request, partnership, code)
    can_adopt_plan(request.user, plan).raise_if_denied()
    current = plan.partnership.plans.filter(status=Plan.Status.ADOPTED).first()
    return form_action(
        request,
        form=confirm_form(request),
        service=lambda: services.plan_adopt(plan=plan, by=request.user),
        success_message=f"{plan.title} is now the partnership's adopted plan.",
        success_url=plan_url(plan),
        template="priorities/plan_adopt.html",
        context=page_context(request, plan.partnership, plan=plan, current=current),
    )


def plan_refresh(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = viewable_plan(request, partnership, code)
    can_refresh_plan(request.user, plan).raise_if_denied()
    next_plan = Plan(first_year=plan.first_year + 1, last_year=plan.last_year + 1)
    latest = plan.partnership.plans.order_by("-version").values_list("version", flat=True)[0]
    return form_action(
        request,
        form=confirm_form(request),
        service=lambda: services.plan_refresh(plan=plan, by=request.user),
        success_message=lambda new: (
            f"Version {new.version} of the plan has been drafted for {new.period_label}. "
            f"Version {plan.version} stays the adopted plan until the new one is adopted."
        ),
        success_url=plan_url,
        template="priorities/plan_refresh.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            next_period=next_plan.period_label,
            next_version=latest + 1,
        ),
    )


# Plan on a page -----------------------------------------------------------------------


def plan_on_a_page(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = viewable_plan(request, partnership, code)
    overdue_only = request.GET.get("overdue") == "1"
    groups = selectors.plan_on_a_page(plan=plan, overdue_only=overdue_only)
    return render(
        request,
        "priorities/plan_on_a_page.html",
        page_context(
            request,
            plan.partnership,
            plan=plan,
            groups=groups,
            overdue_only=overdue_only,
            overdue_count=sum(a.overdue for g in groups for a in g.actions),
        ),
    )


def plan_on_a_page_csv(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = viewable_plan(request, partnership, code)
    overdue_only = request.GET.get("overdue") == "1"
    groups = selectors.plan_on_a_page(plan=plan, overdue_only=overdue_only)
    suffix = "-overdue" if overdue_only else ""
    return csv_response(
        f"{plan.partnership.slug}-plan-on-a-page-v{plan.version}{suffix}.csv",
        ["Priority code", "Priority", "Action", "Lead", "Deadline", "Status", "RAG", "Overdue"],
        (
            row
            for group in groups
            for row in (
                [
                    [
                        group.priority.code,
                        group.priority.title,
                        action.description,
                        action.lead_display,
                        action.deadline_display,
                        action.get_status_display(),
                        action.get_rag_display() if action.rag else "Not rated",
                        "Overdue" if action.overdue else "",
                    ]
                    for action in group.actions
                ]
                or [[group.priority.code, group.priority.title, "", "", "", "", "", ""]]
            )
        ),
    )
