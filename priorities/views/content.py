"""What a draft plan is made of: its priorities, their measures and targets, and their
actions (whose progress is also kept up to date on the adopted plan)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from csp_portal.lib.views import form_action
from priorities import forms, selectors, services
from priorities.forms import plain_number
from priorities.models import Action, Measure
from priorities.permissions import can_edit_plan, can_update_action_progress, can_view_plan
from priorities.views.common import (
    check_editable,
    confirm_form,
    editable_plan,
    page_context,
    partnership_for,
    plan_url,
    priority_anchor,
)

if TYPE_CHECKING:
    from uuid import UUID

    from priorities.models import Plan, Priority


# Priorities --------------------------------------------------------------------------


def _priority_form(
    request: HttpRequest, plan: Plan, priority: Priority | None = None
) -> forms.PriorityForm:
    initial = None
    if priority is not None:
        initial = {
            "code": priority.code,
            "title": priority.title,
            "description": priority.description,
            "sponsor": priority.sponsor_id,
            "lead_officer": priority.lead_officer,
            "objectives": [o.pk for o in priority.objectives.all()],
        }
    return forms.PriorityForm(
        request.POST or None,
        initial=initial,
        plan=plan,
        instance=priority,
        organisations=selectors.member_organisations(partnership=plan.partnership),
        objectives=selectors.force_area_objectives(partnership=plan.partnership),
    )


def priority_create(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = editable_plan(request, partnership, code)
    form = _priority_form(request, plan)
    return form_action(
        request,
        form=form,
        service=lambda: services.priority_create(
            plan=plan,
            data=dict(form.cleaned_data, order=plan.priorities.count()),
            by=request.user,
        ),
        success_message=lambda priority: f"Priority {priority.code} has been added.",
        success_url=lambda priority: plan_url(plan, priority_anchor(priority)),
        template="priorities/priority_form.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            heading="Add a priority",
            button="Add priority",
            cancel_url=plan_url(plan),
        ),
    )


def _priority_for_edit(request: HttpRequest, partnership: str, uid: UUID) -> Priority:
    priority = selectors.priority_get(partnership=partnership_for(request, partnership), uid=uid)
    check_editable(request, priority.plan)
    return priority


def priority_edit(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    priority = _priority_for_edit(request, partnership, uid)
    plan = priority.plan
    form = _priority_form(request, plan, priority)
    return form_action(
        request,
        form=form,
        service=lambda: services.priority_update(
            priority=priority, data=dict(form.cleaned_data), by=request.user
        ),
        success_message=lambda saved: f"Priority {saved.code} has been saved.",
        success_url=plan_url(plan, priority_anchor(priority)),
        template="priorities/priority_form.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            heading=f"Change priority {priority.code}",
            button="Save",
            cancel_url=plan_url(plan, priority_anchor(priority)),
        ),
    )


def priority_delete(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    priority = _priority_for_edit(request, partnership, uid)
    plan = priority.plan
    return form_action(
        request,
        form=confirm_form(request),
        service=lambda: services.priority_delete(priority=priority, by=request.user),
        success_message=f"Priority {priority.code} has been deleted.",
        success_url=plan_url(plan),
        template="priorities/confirm_delete.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            heading=f"Delete priority {priority.code}: {priority.title}?",
            explanation="Its measures, targets and actions are deleted with it.",
            button="Delete priority",
            cancel_url=plan_url(plan, priority_anchor(priority)),
        ),
    )


# Measures and targets -------------------------------------------------------------------


def _measure_initial(measure: Measure | None) -> dict[str, Any]:
    if measure is None:
        return {
            "unit": "count",
            "polarity": "lower",
            "target_basis": "total",
            "tolerance_percent": "5",
        }
    initial = {name: getattr(measure, name) for name in Measure.CONTENT_FIELDS}
    for name in ("baseline_value", "tolerance_percent", "national_comparator"):
        initial[name] = plain_number(initial[name])
    return initial


def _measure_url(measure: Measure) -> str:
    return plan_url(measure.priority.plan, f"measure-{measure.uid}")


def measure_create(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    priority = _priority_for_edit(request, partnership, uid)
    plan = priority.plan
    form = forms.MeasureForm(
        request.POST or None, initial=_measure_initial(None), priority=priority
    )
    return form_action(
        request,
        form=form,
        service=lambda: services.measure_create(
            priority=priority,
            data=dict(form.cleaned_data, order=priority.measures.count()),
            by=request.user,
        ),
        success_message=lambda measure: (
            f"Measure {measure.code} has been added. Now set its targets."
        ),
        success_url=lambda measure: reverse(
            "plans:measure_targets",
            kwargs={"partnership": plan.partnership.slug, "uid": measure.uid},
        ),
        template="priorities/measure_form.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            heading=f"Add a measure to priority {priority.code}",
            button="Save and set targets",
            cancel_url=plan_url(plan, priority_anchor(priority)),
        ),
    )


def _measure_for_edit(request: HttpRequest, partnership: str, uid: UUID) -> Measure:
    measure = selectors.measure_get(partnership=partnership_for(request, partnership), uid=uid)
    check_editable(request, measure.priority.plan)
    return measure


def measure_edit(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    measure = _measure_for_edit(request, partnership, uid)
    priority, plan = measure.priority, measure.priority.plan
    form = forms.MeasureForm(
        request.POST or None, initial=_measure_initial(measure), priority=priority, instance=measure
    )
    return form_action(
        request,
        form=form,
        service=lambda: services.measure_update(
            measure=measure, data=dict(form.cleaned_data), by=request.user
        ),
        success_message=lambda saved: f"Measure {saved.code} has been saved.",
        success_url=_measure_url(measure),
        template="priorities/measure_form.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            measure=measure,
            heading=f"Change measure {measure.code}",
            button="Save",
            cancel_url=_measure_url(measure),
        ),
    )


def measure_targets(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    measure = _measure_for_edit(request, partnership, uid)
    plan = measure.priority.plan
    form = forms.MeasureTargetsForm(request.POST or None, measure=measure, plan=plan)

    def save_targets() -> None:
        for year, targets in form.targets_by_year().items():
            services.measure_targets_set(
                measure=measure, financial_year=year, targets=targets, by=request.user
            )

    return form_action(
        request,
        form=form,
        service=save_targets,
        success_message=f"The targets for measure {measure.code} have been saved.",
        success_url=_measure_url(measure),
        template="priorities/measure_targets.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            priority=measure.priority,
            measure=measure,
            cancel_url=_measure_url(measure),
        ),
    )


def measure_delete(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    measure = _measure_for_edit(request, partnership, uid)
    plan = measure.priority.plan
    return form_action(
        request,
        form=confirm_form(request),
        service=lambda: services.measure_delete(measure=measure, by=request.user),
        success_message=f"Measure {measure.code} has been deleted.",
        success_url=plan_url(plan, priority_anchor(measure.priority)),
        template="priorities/confirm_delete.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            heading=f"Delete measure {measure.code}: {measure.title}?",
            explanation="Its targets are deleted with it.",
            button="Delete measure",
            cancel_url=_measure_url(measure),
        ),
    )


# Actions -------------------------------------------------------------------------------


def _action_form(
    request: HttpRequest, plan: Plan, action: Action | None = None
) -> forms.ActionForm:
    initial: dict[str, Any] = {"status": Action.Status.NOT_STARTED, "rag": ""}
    if action is not None:
        initial = {name: getattr(action, name) for name in Action.CONTENT_FIELDS}
        initial["lead"] = forms.ActionForm.lead_initial(action)
        # Blue is set by the service for complete actions, so it is not a choice.
        initial["rag"] = "" if action.rag == Action.Rag.BLUE else action.rag
    organisations = selectors.member_organisations(partnership=plan.partnership)
    boards = selectors.partnership_boards(partnership=plan.partnership)
    # The current lead stays a choice even if it has since left the partnership.
    if (
        action is not None
        and action.lead_organisation
        and action.lead_organisation not in organisations
    ):
        organisations.append(action.lead_organisation)
    if action is not None and action.lead_board and action.lead_board not in boards:
        boards.append(action.lead_board)
    return forms.ActionForm(
        request.POST or None, initial=initial, organisations=organisations, boards=boards
    )


def _action_url(action: Action) -> str:
    return plan_url(action.priority.plan, f"action-{action.code}")


def action_create(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    priority = _priority_for_edit(request, partnership, uid)
    plan = priority.plan
    form = _action_form(request, plan)
    return form_action(
        request,
        form=form,
        service=lambda: services.action_create(
            priority=priority,
            data=dict(form.action_data(), order=priority.actions.count()),
            by=request.user,
        ),
        success_message=f"The action has been added to priority {priority.code}.",
        success_url=_action_url,
        template="priorities/action_form.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            heading=f"Add an action to priority {priority.code}",
            button="Add action",
            cancel_url=plan_url(plan, priority_anchor(priority)),
        ),
    )


def action_edit(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    """On a draft plan everything about the action; on the adopted plan only its progress."""
    action = selectors.action_get(partnership=partnership_for(request, partnership), code=code)
    priority, plan = action.priority, action.priority.plan
    can_view_plan(request.user, plan).raise_if_denied()
    structure = bool(can_edit_plan(request.user, plan))
    form: forms.ActionProgressForm
    data: Callable[[], dict[str, Any]]
    if structure:
        form = full = _action_form(request, plan, action)
        data = full.action_data
    else:
        can_update_action_progress(request.user, plan).raise_if_denied()
        initial = {name: getattr(action, name) for name in Action.PROGRESS_FIELDS}
        initial["rag"] = "" if action.rag == Action.Rag.BLUE else action.rag
        form = forms.ActionProgressForm(request.POST or None, initial=initial)
        data = form.progress_data
    return form_action(
        request,
        form=form,
        service=lambda: services.action_update(action=action, data=data(), by=request.user),
        success_message=f"The action in priority {priority.code} has been saved.",
        success_url=_action_url(action),
        template="priorities/action_form.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            action=action,
            progress_only=not structure,
            heading=(
                f"Change an action in priority {priority.code}"
                if structure
                else f"Update progress on an action in priority {priority.code}"
            ),
            button="Save",
            cancel_url=_action_url(action),
        ),
    )


def action_delete(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    action = selectors.action_get(partnership=partnership_for(request, partnership), code=code)
    priority, plan = action.priority, action.priority.plan
    check_editable(request, plan)
    return form_action(
        request,
        form=confirm_form(request),
        service=lambda: services.action_delete(action=action, by=request.user),
        success_message=f"The action has been deleted from priority {priority.code}.",
        success_url=plan_url(plan, priority_anchor(priority)),
        template="priorities/confirm_delete.html",
        context=page_context(
            request,
            plan.partnership,
            plan=plan,
            heading=f"Delete this action from priority {priority.code}?",
            quote=action.description,
            button="Delete action",
            cancel_url=_action_url(action),
        ),
    )
