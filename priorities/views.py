"""The plan pages: the partnership's plans, a plan with its priorities, measures and
actions, the forms that shape a draft, adoption, the yearly refresh and the plan on a page.

Every view finds the partnership through the access helper (404 without standing), then
the plan and asks priorities.permissions (403 with the reason). Writes go through
priorities.services; a ValidationError from a service is shown next to the field.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse

from accounts.roles import Capability
from csp_portal.lib.access import access_for, get_partnership_for_user
from csp_portal.lib.downloads import spreadsheet_safe
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
    from priorities.models import Measure, Priority


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


def _editable(request: HttpRequest, plan: Plan) -> None:
    can_view_plan(request.user, plan).raise_if_denied()
    can_edit_plan(request.user, plan).raise_if_denied()


def _plan_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("plans:detail", kwargs={"partnership": plan.partnership.slug, "code": plan.code})
    return f"{url}#{anchor}" if anchor else url


def _add_service_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError, next to the field it names (or at the top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                partnership=partnership_obj, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"You have drafted {plan.title}. Now add its priorities.")
            return redirect(_plan_url(plan))
    return render(
        request,
        "priorities/plan_form.html",
        _context(
            request,
            partnership_obj,
            form=form,
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


def plan_edit(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = selectors.plan_get(partnership=_partnership(request, partnership), code=code)
    _editable(request, plan)
    initial = {
        "title": plan.title,
        "first_year": plan.first_year,
        "last_year": plan.last_year,
        "summary": plan.summary,
    }
    form = forms.PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            removed = services.plan_update(plan=plan, data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "The plan's details have been saved."
                + (
                    f" {removed} target{pluralize(removed)} for years the plan no longer"
                    f" covers {pluralize(removed, 'was,were')} removed."
                    if removed
                    else ""
                ),
            )
            return redirect(_plan_url(plan))
    return render(
        request,
        "priorities/plan_form.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            form=form,
            heading="Change the plan's details",
            button="Save",
            cancel_url=_plan_url(plan),
        ),
    )


def plan_delete(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = selectors.plan_get(partnership=_partnership(request, partnership), code=code)
    _editable(request, plan)
    if request.method == "POST":
        title = plan.title
        services.plan_delete(plan=plan, by=request.user)
        messages.success(request, f"The draft {title} has been deleted.")
        return redirect("plans:list", partnership=plan.partnership.slug)
    return render(
        request,
        "priorities/confirm_delete.html",
        _context(
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
    plan = selectors.plan_get(partnership=_partnership(request, partnership), code=code)
    can_view_plan(request.user, plan).raise_if_denied()
    can_adopt_plan(request.user, plan).raise_if_denied()
    form = forms.ConfirmForm(request.POST if request.method == "POST" else None)
    current = plan.partnership.plans.filter(status=Plan.Status.ADOPTED).first()
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_adopt(plan=plan, by=request.user)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"{plan.title} is now the partnership's adopted plan.")
            return redirect(_plan_url(plan))
    return render(
        request,
        "priorities/plan_adopt.html",
        _context(request, plan.partnership, plan=plan, current=current, form=form),
    )


def plan_refresh(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    plan = selectors.plan_get(partnership=_partnership(request, partnership), code=code)
    can_view_plan(request.user, plan).raise_if_denied()
    can_refresh_plan(request.user, plan).raise_if_denied()
    if request.method == "POST":
        new = services.plan_refresh(plan=plan, by=request.user)
        messages.success(
            request,
            f"Version {new.version} of the plan has been drafted for {new.period_label}. "
            f"Version {plan.version} stays the adopted plan until the new one is adopted.",
        )
        return redirect(_plan_url(new))
    next_plan = Plan(first_year=plan.first_year + 1, last_year=plan.last_year + 1)
    latest = plan.partnership.plans.order_by("-version").values_list("version", flat=True)[0]
    return render(
        request,
        "priorities/plan_refresh.html",
        _context(
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


def _priority_form(request: HttpRequest, plan: Plan, priority: Priority | None = None):
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
    plan = selectors.plan_get(partnership=_partnership(request, partnership), code=code)
    _editable(request, plan)
    form = _priority_form(request, plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data, order=plan.priorities.count())
        try:
            priority = services.priority_create(plan=plan, data=data, by=request.user)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"Priority {priority.code} has been added.")
            return redirect(_plan_url(plan, _priority_anchor(priority)))
    return render(
        request,
        "priorities/priority_form.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            form=form,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_update(
                priority=priority, data=dict(form.cleaned_data), by=request.user
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"Priority {priority.code} has been saved.")
            return redirect(_plan_url(plan, _priority_anchor(priority)))
    return render(
        request,
        "priorities/priority_form.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            form=form,
            heading=f"Change priority {priority.code}",
            button="Save",
            cancel_url=_plan_url(plan, _priority_anchor(priority)),
        ),
    )


def priority_delete(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    priority = _priority_for_edit(request, partnership, uid)
    plan = priority.plan
    if request.method == "POST":
        services.priority_delete(priority=priority, by=request.user)
        messages.success(request, f"Priority {priority.code} has been deleted.")
        return redirect(_plan_url(plan))
    return render(
        request,
        "priorities/confirm_delete.html",
        _context(
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

_MEASURE_FIELDS = Measure.CONTENT_FIELDS


def _measure_initial(measure: Measure | None) -> dict[str, Any]:
    if measure is None:
        return {
            "unit": "count",
            "polarity": "lower",
            "target_basis": "total",
            "tolerance_percent": "5",
        }
    initial = {name: getattr(measure, name) for name in _MEASURE_FIELDS}
    for name in ("baseline_value", "tolerance_percent", "national_comparator"):
        initial[name] = plain_number(initial[name])
    return initial


def measure_create(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    priority = _priority_for_edit(request, partnership, uid)
    plan = priority.plan
    form = forms.MeasureForm(
        request.POST or None, initial=_measure_initial(None), priority=priority
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data, order=priority.measures.count())
        try:
            measure = services.measure_create(priority=priority, data=data, by=request.user)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Measure {measure.code} has been added. Now set its targets."
            )
            return redirect(
                "plans:measure_targets", partnership=plan.partnership.slug, uid=measure.uid
            )
    return render(
        request,
        "priorities/measure_form.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            form=form,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(measure=measure, data=dict(form.cleaned_data), by=request.user)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"Measure {measure.code} has been saved.")
            return redirect(_plan_url(plan, f"measure-{measure.uid}"))
    return render(
        request,
        "priorities/measure_form.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            measure=measure,
            form=form,
            heading=f"Change measure {measure.code}",
            button="Save",
            cancel_url=_plan_url(plan, f"measure-{measure.uid}"),
        ),
    )


def measure_targets(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    measure = _measure_for_edit(request, partnership, uid)
    plan = measure.priority.plan
    form = forms.MeasureTargetsForm(request.POST or None, measure=measure, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            for year, targets in form.targets_by_year().items():
                services.measure_targets_set(
                    measure=measure, financial_year=year, targets=targets, by=request.user
                )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"The targets for measure {measure.code} have been saved.")
            return redirect(_plan_url(plan, f"measure-{measure.uid}"))
    return render(
        request,
        "priorities/measure_targets.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            priority=measure.priority,
            measure=measure,
            form=form,
            cancel_url=_plan_url(plan, f"measure-{measure.uid}"),
        ),
    )


def measure_delete(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    measure = _measure_for_edit(request, partnership, uid)
    plan = measure.priority.plan
    form = forms.ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_delete(measure=measure, by=request.user)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"Measure {measure.code} has been deleted.")
            return redirect(_plan_url(plan, _priority_anchor(measure.priority)))
    return render(
        request,
        "priorities/confirm_delete.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            form=form,
            heading=f"Delete measure {measure.code}: {measure.title}?",
            explanation="Its targets are deleted with it.",
            button="Delete measure",
            cancel_url=_plan_url(plan, f"measure-{measure.uid}"),
        ),
    )


# Actions -------------------------------------------------------------------------------


def _action_form(request: HttpRequest, plan: Plan, action: Action | None = None):
    initial: dict[str, Any] = {"status": Action.Status.NOT_STARTED, "rag": ""}
    if action is not None:
        initial = {
            "description": action.description,
            "lead": forms.ActionForm.lead_initial(action),
            "lead_text": action.lead_text,
            "deadline_date": action.deadline_date,
            "deadline_text": action.deadline_text,
            "status": action.status,
            # Blue is set by the service for complete actions, so it is not a choice.
            "rag": "" if action.rag == Action.Rag.BLUE else action.rag,
            "progress_note": action.progress_note,
            "completed_on": action.completed_on,
        }
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


def action_create(request: HttpRequest, partnership: str, uid: UUID) -> HttpResponse:
    priority = _priority_for_edit(request, partnership, uid)
    plan = priority.plan
    form = _action_form(request, plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.action_data(), order=priority.actions.count())
        try:
            action = services.action_create(priority=priority, data=data, by=request.user)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"The action has been added to priority {priority.code}.")
            return redirect(_plan_url(plan, f"action-{action.code}"))
    return render(
        request,
        "priorities/action_form.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            form=form,
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
    structure = can_edit_plan(request.user, plan)
    if not structure:
        can_update_action_progress(request.user, plan).raise_if_denied()
        initial = {
            "status": action.status,
            "rag": "" if action.rag == Action.Rag.BLUE else action.rag,
            "progress_note": action.progress_note,
            "completed_on": action.completed_on,
        }
        form = forms.ActionProgressForm(request.POST or None, initial=initial)
    else:
        form = _action_form(request, plan, action)
    if request.method == "POST" and form.is_valid():
        data = form.action_data() if structure else form.progress_data()
        try:
            services.action_update(action=action, data=data, by=request.user)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"The action in priority {priority.code} has been saved.")
            return redirect(_plan_url(plan, f"action-{action.code}"))
    return render(
        request,
        "priorities/action_form.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            priority=priority,
            action=action,
            form=form,
            progress_only=not structure,
            heading=(
                f"Update progress on an action in priority {priority.code}"
                if not structure
                else f"Change an action in priority {priority.code}"
            ),
            button="Save",
            cancel_url=_plan_url(plan, f"action-{action.code}"),
        ),
    )


def action_delete(request: HttpRequest, partnership: str, code: UUID) -> HttpResponse:
    action = selectors.action_get(partnership=_partnership(request, partnership), code=code)
    priority, plan = action.priority, action.priority.plan
    _editable(request, plan)
    if request.method == "POST":
        services.action_delete(action=action, by=request.user)
        messages.success(request, f"The action has been deleted from priority {priority.code}.")
        return redirect(_plan_url(plan, _priority_anchor(priority)))
    return render(
        request,
        "priorities/confirm_delete.html",
        _context(
            request,
            plan.partnership,
            plan=plan,
            heading=f"Delete this action from priority {priority.code}?",
            quote=action.description,
            button="Delete action",
            cancel_url=_plan_url(plan, f"action-{action.code}"),
        ),
    )
