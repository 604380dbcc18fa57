"""Permission-matrix entries for the plan pages and the plan API.

Draft plans are working papers (viewer, officer, manager); adopted and superseded plans
are published to every member of the partnership, the force area's PCC office and panel.
Officers and managers shape a draft; once adopted only action progress changes; managers
adopt and refresh. Each route builds the objects it points at, so the state it needs
(draft, adopted, superseded) is explicit.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from priorities.models import Plan
from tests.matrix import HOME_MEMBERS, Route, api_endpoint, everyone, partnership_page
from tests.performance.builders import adopted_plan
from tests.priorities.factories import (
    ActionFactory,
    MeasureFactory,
    PlanFactory,
    PriorityFactory,
)

WORKING_PAPERS = {"viewer", "officer", "manager"}
CONTRIBUTORS = {"officer", "manager"}
MANAGERS = {"manager"}


def _nobody() -> dict[str, int]:
    """The plan's state forbids it for everyone, site administrators included."""
    return partnership_page(set()) | {"site_admin": 403}


# The objects a route points at (made once per test world) ---------------------------


def _draft(w) -> Plan:
    """A draft of the home partnership with priority A, a measure and an action."""
    if not hasattr(w, "_draft_plan"):
        plan = PlanFactory(partnership=w.home, version=5, status=Plan.Status.DRAFT)
        priority = PriorityFactory(plan=plan, code="A")
        MeasureFactory(priority=priority, code="(i)")
        ActionFactory(priority=priority, deadline_date=dt.date(2014, 3, 31))
        w._draft_plan = plan
    return w._draft_plan


def _adopted(w) -> Plan:
    """The home partnership's adopted plan, with an action on priority A."""
    if not hasattr(w, "_adopted_plan"):
        plan = adopted_plan(w.home)
        ActionFactory(priority=plan.priorities.get(code="A"), deadline_date=dt.date(2014, 3, 31))
        w._adopted_plan = plan
    return w._adopted_plan


def _superseded(w) -> Plan:
    """An earlier version, replaced by a newer adopted plan."""
    if not hasattr(w, "_superseded_plan"):
        plan = _adopted(w)
        plan.status = Plan.Status.SUPERSEDED
        plan.save(update_fields=["status"])
        PlanFactory(partnership=w.home, version=2, status=Plan.Status.ADOPTED)
        w._superseded_plan = plan
    return w._superseded_plan


def _priority(plan: Plan):
    return plan.priorities.get(code="A")


def _measure(plan: Plan):
    return _priority(plan).measures.order_by("order", "code").first()


def _action(plan: Plan):
    return _priority(plan).actions.first()


def _plan_url(name: str, plan_of):
    return lambda w: reverse(
        f"plans:{name}", kwargs={"partnership": w.home.slug, "code": plan_of(w).code}
    )


def _priority_url(name: str, plan_of):
    return lambda w: reverse(
        f"plans:{name}", kwargs={"partnership": w.home.slug, "uid": _priority(plan_of(w)).uid}
    )


def _measure_url(name: str, plan_of):
    return lambda w: reverse(
        f"plans:{name}", kwargs={"partnership": w.home.slug, "uid": _measure(plan_of(w)).uid}
    )


def _action_url(name: str, plan_of):
    return lambda w: reverse(
        f"plans:{name}", kwargs={"partnership": w.home.slug, "code": _action(plan_of(w)).code}
    )


# Valid form data ---------------------------------------------------------------------

PLAN_DATA = {
    "title": "Community Safety Plan 2017 to 2020",
    "first_year": "2017/18",
    "last_year": "2019/20",
}
PRIORITY_DATA = {"code": "Z", "title": "Protect people from the harm of domestic abuse"}
MEASURE_DATA = {
    "code": "(z)",
    "title": "Repeat MARAC referrals",
    "unit": "percentage",
    "polarity": "lower",
    "target_basis": "level",
    "tolerance_percent": "5",
}
ACTION_DATA = {
    "description": "Implement improvements to current MARAC process",
    "lead_text": "DA Board",
    "deadline_text": "Quarterly",
    "status": "in_progress",
    "rag": "green",
}
PROGRESS_DATA = {
    "status": "in_progress",
    "rag": "amber",
    "progress_note": "Two of three steps done.",
}


def _page_routes() -> list[Route]:
    draft, adopted, superseded = _draft, _adopted, _superseded
    return [
        Route(
            "plans:list",
            lambda w: reverse("plans:list", kwargs={"partnership": w.home.slug}),
            partnership_page(HOME_MEMBERS),
            setup=lambda w: (_draft(w), _adopted(w)),
        ),
        Route(
            "plans:create",
            lambda w: reverse("plans:create", kwargs={"partnership": w.home.slug}),
            partnership_page(CONTRIBUTORS),
        ),
        Route(
            "plans:create",
            lambda w: reverse("plans:create", kwargs={"partnership": w.home.slug}),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            data=lambda w: PLAN_DATA,
        ),
        Route(
            "plans:create",
            lambda w: reverse("plans:create", kwargs={"partnership": w.home.slug}),
            _nobody(),
            setup=draft,
            id_suffix=" (a draft already exists)",
        ),
        Route(
            "plans:detail",
            _plan_url("detail", draft),
            partnership_page(WORKING_PAPERS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:detail",
            _plan_url("detail", adopted),
            partnership_page(HOME_MEMBERS),
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:detail",
            _plan_url("detail", superseded),
            partnership_page(HOME_MEMBERS),
            id_suffix=" (superseded)",
        ),
        Route(
            "plans:edit",
            _plan_url("edit", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:edit",
            _plan_url("edit", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            data=lambda w: PLAN_DATA,
            id_suffix=" (draft)",
        ),
        Route("plans:edit", _plan_url("edit", adopted), _nobody(), id_suffix=" (adopted)"),
        Route(
            "plans:edit",
            _plan_url("edit", adopted),
            _nobody(),
            method="POST",
            data=lambda w: PLAN_DATA,
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:delete",
            _plan_url("delete", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:delete",
            _plan_url("delete", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            id_suffix=" (draft)",
        ),
        Route(
            "plans:delete",
            _plan_url("delete", adopted),
            _nobody(),
            method="POST",
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:adopt",
            _plan_url("adopt", draft),
            partnership_page(MANAGERS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:adopt",
            _plan_url("adopt", draft),
            partnership_page(MANAGERS, ok=302),
            method="POST",
            id_suffix=" (draft)",
        ),
        Route(
            "plans:adopt",
            _plan_url("adopt", adopted),
            _nobody(),
            method="POST",
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:refresh",
            _plan_url("refresh", adopted),
            partnership_page(MANAGERS),
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:refresh",
            _plan_url("refresh", adopted),
            partnership_page(MANAGERS, ok=302),
            method="POST",
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:refresh",
            _plan_url("refresh", draft),
            partnership_page(WORKING_PAPERS, ok=403),
            method="POST",
            id_suffix=" (draft)",
            note="only the adopted plan can be refreshed",
        ),
        Route(
            "plans:on_a_page",
            _plan_url("on_a_page", draft),
            partnership_page(WORKING_PAPERS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:on_a_page",
            _plan_url("on_a_page", adopted),
            partnership_page(HOME_MEMBERS),
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:on_a_page_csv",
            _plan_url("on_a_page_csv", draft),
            partnership_page(WORKING_PAPERS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:on_a_page_csv",
            _plan_url("on_a_page_csv", adopted),
            partnership_page(HOME_MEMBERS),
            id_suffix=" (adopted)",
        ),
        # Priorities
        Route(
            "plans:priority_create",
            _plan_url("priority_create", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:priority_create",
            _plan_url("priority_create", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            data=lambda w: PRIORITY_DATA,
            id_suffix=" (draft)",
        ),
        Route(
            "plans:priority_create",
            _plan_url("priority_create", adopted),
            _nobody(),
            method="POST",
            data=lambda w: PRIORITY_DATA,
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:priority_edit",
            _priority_url("priority_edit", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:priority_edit",
            _priority_url("priority_edit", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            data=lambda w: PRIORITY_DATA,
            id_suffix=" (draft)",
        ),
        Route(
            "plans:priority_edit",
            _priority_url("priority_edit", adopted),
            _nobody(),
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:priority_delete",
            _priority_url("priority_delete", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:priority_delete",
            _priority_url("priority_delete", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            id_suffix=" (draft)",
        ),
        Route(
            "plans:priority_delete",
            _priority_url("priority_delete", adopted),
            _nobody(),
            method="POST",
            id_suffix=" (adopted)",
        ),
        # Measures and targets
        Route(
            "plans:measure_create",
            _priority_url("measure_create", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:measure_create",
            _priority_url("measure_create", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            data=lambda w: MEASURE_DATA,
            id_suffix=" (draft)",
        ),
        Route(
            "plans:measure_create",
            _priority_url("measure_create", adopted),
            _nobody(),
            method="POST",
            data=lambda w: MEASURE_DATA,
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:measure_edit",
            _measure_url("measure_edit", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:measure_edit",
            _measure_url("measure_edit", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            data=lambda w: MEASURE_DATA,
            id_suffix=" (draft)",
        ),
        Route(
            "plans:measure_edit",
            _measure_url("measure_edit", adopted),
            _nobody(),
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:measure_targets",
            _measure_url("measure_targets", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:measure_targets",
            _measure_url("measure_targets", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            data=lambda w: {"y2013_year": "4585", "y2013_q1": "1146"},
            id_suffix=" (draft)",
        ),
        Route(
            "plans:measure_targets",
            _measure_url("measure_targets", adopted),
            _nobody(),
            method="POST",
            data=lambda w: {"y2013_year": "1"},
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:measure_delete",
            _measure_url("measure_delete", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:measure_delete",
            _measure_url("measure_delete", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            id_suffix=" (draft)",
        ),
        Route(
            "plans:measure_delete",
            _measure_url("measure_delete", adopted),
            _nobody(),
            method="POST",
            id_suffix=" (adopted)",
        ),
        # Actions
        Route(
            "plans:action_create",
            _priority_url("action_create", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:action_create",
            _priority_url("action_create", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            data=lambda w: ACTION_DATA,
            id_suffix=" (draft)",
        ),
        Route(
            "plans:action_create",
            _priority_url("action_create", adopted),
            _nobody(),
            method="POST",
            data=lambda w: ACTION_DATA,
            id_suffix=" (adopted)",
        ),
        Route(
            "plans:action_edit",
            _action_url("action_edit", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:action_edit",
            _action_url("action_edit", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            data=lambda w: ACTION_DATA,
            id_suffix=" (draft)",
        ),
        Route(
            "plans:action_edit",
            _action_url("action_edit", adopted),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (adopted: progress only)",
        ),
        Route(
            "plans:action_edit",
            _action_url("action_edit", adopted),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            data=lambda w: PROGRESS_DATA,
            id_suffix=" (adopted: progress only)",
        ),
        Route(
            "plans:action_edit",
            _action_url("action_edit", superseded),
            _nobody(),
            method="POST",
            data=lambda w: PROGRESS_DATA,
            id_suffix=" (superseded)",
        ),
        Route(
            "plans:action_delete",
            _action_url("action_delete", draft),
            partnership_page(CONTRIBUTORS),
            id_suffix=" (draft)",
        ),
        Route(
            "plans:action_delete",
            _action_url("action_delete", draft),
            partnership_page(CONTRIBUTORS, ok=302),
            method="POST",
            id_suffix=" (draft)",
        ),
        Route(
            "plans:action_delete",
            _action_url("action_delete", adopted),
            _nobody(),
            method="POST",
            id_suffix=" (adopted)",
        ),
    ]


def _api_routes() -> list[Route]:
    routes = []
    endpoints = [
        ("plan", "code", lambda plan: plan),
        ("priority", "uid", _priority),
        ("action", "code", _action),
        ("measure", "uid", _measure),
    ]
    for basename, lookup, object_of in endpoints:
        routes.append(
            Route(
                f"api:{basename}-list",
                lambda w, b=basename: reverse(f"api:{b}-list"),
                everyone(200, anonymous=401),
                setup=lambda w: (_draft(w), _adopted(w)),
                note="everyone signed in gets a list, narrowed to what they may read",
            )
        )
        for state, plan_of, allowed in (
            ("draft", _draft, WORKING_PAPERS),
            ("adopted", _adopted, HOME_MEMBERS),
        ):
            routes.append(
                Route(
                    f"api:{basename}-detail",
                    lambda w, b=basename, k=lookup, o=object_of, p=plan_of: reverse(
                        f"api:{b}-detail", kwargs={k: getattr(o(p(w)), k)}
                    ),
                    api_endpoint(allowed),
                    id_suffix=f" ({state})",
                )
            )
    return routes


ROUTES = _page_routes() + _api_routes()
