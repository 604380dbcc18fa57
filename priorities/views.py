"""The plan pages: the partnership's plans, a plan with its priorities, measures and
actions, the forms that shape a draft, adoption, the yearly refresh and the plan on a page.

Every view finds the partnership through the access helper (404 without standing), then
the plan and asks priorities.permissions (403 with the reason). The rest of a page that
changes something (form, service, the service's ValidationError next to the field,
message, redirect) is ``csp_portal.lib.views.form_action``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse

from accounts.roles import Capability
from csp_portal.lib.access import access_for, get_partnership_for_user
from csp_portal.lib.downloads import spreadsheet_safe
from csp_portal.lib.views import form_action
from priorities import forms, selectors, services
from priorities.forms import plain_number
from priorities.models import Action, Measure, Plan
from priorities.permissions import (
    can_adopt_plan,
    can_create_plan,
    can_edit_plan,
    can_refresh_plan,
    can_update_action_progress,
    can_view_plan,
)

if TYPE_CHECKING:
    from uuid import UUID

    from partnerships.models import Partnership
    from priorities.models import Priority


# Helpers ------------------------------------------------------------------------------


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    return get_partnership_for_user(request, slug, Capability.VIEW_PARTNERSHIP)


def _context(request: HttpRequest, partnership: Partnership, **extra: Any) -> dict[str, Any]:
    return {
        "partnership": partnership,
        "capabilities": access_for(request.user).capabilities(partnership),
        **extra,
    }


def _viewable_plan(request: HttpRequest, slug: str, code: UUID) -> Plan:
    plan = selectors.plan_get(partnership=_partnership(request, slug), code=code)
    can_view_plan(request.user, plan).raise_if_denied()
    return plan


def _editable_plan(request: HttpRequest, slug: str, code: UUID) -> Plan:
    plan = _viewable_plan(request, slug, code)
    can_edit_plan(request.user, plan).raise_if_denied()
    return plan


def _editable(request: HttpRequest, plan: Plan) -> None:
    can_view_plan(request.user, plan).raise_if_denied()
    can_edit_plan(request.user, plan).raise_if_denied()


def _confirm(request: HttpRequest) -> forms.ConfirmForm:
    # Bound on any POST: a confirmation's POST carries only the CSRF token.
    return forms.ConfirmForm(request.POST if request.method == "POST" else None)


def _plan_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("plans:detail", kwargs={"partnership": plan.partnership.slug, "code": plan.code})
    return f"{url}#{anchor}" if anchor else url


def _priority_anchor(priority: Priority) -> str:
    return f"priority-{priority.uid}"


# The partnership's plans ---------------------------------------------------------------


def plan_list(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = _partnership(request, partnership)
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
        _context(
            request,
            partnership_obj,
            plans=plans,
            can_create=can_create_plan(request.user, partnership_obj),
            can_refresh=plans.current is not None and can_refresh_plan(request.user, plans.current),
        ),
    )


def plan_create(request: HttpRequest, partnership: str) -> HttpResponse:
    partnership_obj = _partnership(request, partnership)
    can_create_plan(request.user, partnership_obj).raise_if_denied()
    form = forms.PlanForm(request.POST or None)
    return form_action(
        request,
        form=form,
        service=lambda: services.plan_create(
            partnership=partnership_obj, by=request.user, **form.cleaned_data
        ),
        success_message=lambda plan: f"You have drafted {plan.title}. Now add its priorities.",
        success_url=_plan_url,
        template="priorities/plan_form.html",
        context=_context(
            request,
            partnership_obj,
            heading="Draft a plan",
            button="Save and continue",
            cancel_url=reverse("plans:list", kwargs={"partnership": partnership_obj.slug}),
        ),
    )


def plan_detail(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = _viewable_plan(request, partnership, code)
    user = request.user
    return render(
        request,
        "priorities/plan_detail.html",
        _context(
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
    plan = _editable_plan(request, partnership, code)
    initial = {
        name: getattr(plan, name) for name in ("title", "first_year", "last_year", "summary")
    }
    form = forms.PlanForm(request.POST or None, initial=initial)
    return form_action(
        request,
        form=form,
        service=lambda: services.plan_update(plan=plan, data=form.cleaned_data, by=request.user),
        success_message=_plan_saved_message,
        success_url=_plan_url(plan),
        template="priorities/plan_form.html",
        context=_context(
            request,
            plan.partnership,
            plan=plan,
            heading="Change the plan's details",
            button="Save",
            cancel_url=_plan_url(plan),
        ),
    )


def plan_delete(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = _editable_plan(request, partnership, code)
    return form_action(
        request,
        form=_confirm(request),
        service=lambda: services.plan_delete(plan=plan, by=request.user),
        success_message=f"The draft {plan.title} has been deleted.",
        success_url=reverse("plans:list", kwargs={"partnership": plan.partnership.slug}),
        template="priorities/confirm_delete.html",
        context=_context(
            request,
            plan.partnership,
            plan=plan,
            heading=f"Delete the draft {plan.title}?",
            explanation="Its priorities, measures, targets and actions are deleted with it. The change is kept in the partnership's change history.",
            button="Delete draft plan",
            cancel_url=_plan_url(plan),
        ),
    )


def plan_adopt(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = _viewable_plan(request, partnership, code)
    can_adopt_plan(request.user, plan).raise_if_denied()
    current = plan.partnership.plans.filter(status=Plan.Status.ADOPTED).first()
    return form_action(
        request,
        form=_confirm(request),
        service=lambda: services.plan_adopt(plan=plan, by=request.user),
        success_message=f"{plan.title} is now the partnership's adopted plan.",
        success_url=_plan_url(plan),
        template="priorities/plan_adopt.html",
        context=_context(request, plan.partnership, plan=plan, current=current),
    )


def plan_refresh(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = _viewable_plan(request, partnership, code)
    can_refresh_plan(request.user, plan).raise_if_denied()
    next_plan = Plan(first_year=plan.first_year + 1, last_year=plan.last_year + 1)
    latest = plan.partnership.plans.order_by("-version").values_list("version", flat=True)[0]
    return form_action(
        request,
        form=_confirm(request),
        service=lambda: services.plan_refresh(plan=plan, by=request.user),
        success_message=lambda new: (
            f"Version {new.version} of the plan has been drafted for {new.period_label}. "
            f"Version {plan.version} stays the adopted plan until the new one is adopted."
        ),
        success_url=_plan_url,
        template="priorities/plan_refresh.html",
        context=_context(
            request,
            plan.partnership,
            plan=plan,
            next_period=next_plan.period_label,
            next_version=latest + 1,
        ),
    )


# Plan on a page -----------------------------------------------------------------------


def plan_on_a_page(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = _viewable_plan(request, partnership, code)
    overdue_only = request.GET.get("overdue") == "1"
    groups = selectors.plan_on_a_page(plan=plan, overdue_only=overdue_only)
    return render(
        request,
        "priorities/plan_on_a_page.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            groups=groups,
            overdue_only=overdue_only,
            overdue_count=sum(a.overdue for g in groups for a in g.actions),
        ),
    )


def plan_on_a_page_csv(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = _viewable_plan(request, partnership, code)
    overdue_only = request.GET.get("overdue") == "1"
    groups = selectors.plan_on_a_page(plan=plan, overdue_only=overdue_only)
    suffix = "-overdue" if overdue_only else ""
    filename = f"{plan.partnership.slug}-plan-on-a-page-v{plan.version}{suffix}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        ["Priority code", "Priority", "Action", "Lead", "Deadline", "Status", "RAG", "Overdue"]
    )
    for group in groups:
        for action in group.actions:
            writer.writerow(
                [
                    spreadsheet_safe(v)
                    for v in (
                        group.priority.code,
                        group.priority.title,
                        action.description,
                        action.lead_display,
                        action.deadline_display,
                        action.get_status_display(),
                        action.get_rag_display() if action.rag else "Not rated",
                        "Overdue" if action.overdue else "",
                    )
                ]
            )
        if not group.actions:
            writer.writerow(
                [
                    spreadsheet_safe(group.priority.code),
                    spreadsheet_safe(group.priority.title),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    return response


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
    plan = _editable_plan(request, partnership, code)
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
        success_url=lambda priority: _plan_url(plan, _priority_anchor(priority)),
        template="priorities/priority_form.html",
        context=_context(
            request,
            plan.partnership,
            plan=plan,
            heading="Add a priority",
            button="Add priority",
            cancel_url=_plan_url(plan),
        ),
    )


def _priority_for_edit(request: HttpRequest, partnership: str, uid: UUID) -> Priority:
    priority = selectors.priority_get(partnership=_partnership(request, partnership), uid=uid)
    _editable(request, priority.plan)
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
        success_url=_plan_url(plan, _priority_anchor(priority)),
        template="priorities/priority_form.html",
        context=_context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            heading=f"Change priority {priority.code}",
            button="Save",
            cancel_url=_plan_url(plan, _priority_anchor(priority)),
        ),
    )


def priority_delete(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    priority = _priority_for_edit(request, partnership, uid)
    plan = priority.plan
    return form_action(
        request,
        form=_confirm(request),
        service=lambda: services.priority_delete(priority=priority, by=request.user),
        success_message=f"Priority {priority.code} has been deleted.",
        success_url=_plan_url(plan),
        template="priorities/confirm_delete.html",
        context=_context(
            request,
            plan.partnership,
            plan=plan,
            heading=f"Delete priority {priority.code}: {priority.title}?",
            explanation="Its measures, targets and actions are deleted with it.",
            button="Delete priority",
            cancel_url=_plan_url(plan, _priority_anchor(priority)),
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
    return _plan_url(measure.priority.plan, f"measure-{measure.uid}")


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
        context=_context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            heading=f"Add a measure to priority {priority.code}",
            button="Save and set targets",
            cancel_url=_plan_url(plan, _priority_anchor(priority)),
        ),
    )


def _measure_for_edit(request: HttpRequest, partnership: str, uid: UUID) -> Measure:
    measure = selectors.measure_get(partnership=_partnership(request, partnership), uid=uid)
    _editable(request, measure.priority.plan)
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
        context=_context(
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
        context=_context(
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
        form=_confirm(request),
        service=lambda: services.measure_delete(measure=measure, by=request.user),
        success_message=f"Measure {measure.code} has been deleted.",
        success_url=_plan_url(plan, _priority_anchor(measure.priority)),
        template="priorities/confirm_delete.html",
        context=_context(
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
    return _plan_url(action.priority.plan, f"action-{action.code}")


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
        context=_context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            heading=f"Add an action to priority {priority.code}",
            button="Add action",
            cancel_url=_plan_url(plan, _priority_anchor(priority)),
        ),
    )


def action_edit(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    """On a draft plan everything about the action; on the adopted plan only its progress."""
    action = selectors.action_get(partnership=_partnership(request, partnership), code=code)
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
        context=_context(
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
    action = selectors.action_get(partnership=_partnership(request, partnership), code=code)
    priority, plan = action.priority, action.priority.plan
    _editable(request, plan)
    return form_action(
        request,
        form=_confirm(request),
        service=lambda: services.action_delete(action=action, by=request.user),
        success_message=f"The action has been deleted from priority {priority.code}.",
        success_url=_plan_url(plan, _priority_anchor(priority)),
        template="priorities/confirm_delete.html",
        context=_context(
            request,
            plan.partnership,
            plan=plan,
            heading=f"Delete this action from priority {priority.code}?",
            quote=action.description,
            button="Delete action",
            cancel_url=_action_url(action),
        ),
    )
