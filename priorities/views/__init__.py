"""The plan pages: the partnership's plans, a plan with its priorities, measures and
actions, the forms that shape a draft, adoption, the yearly refresh and the plan on a page.

Every view finds the partnership through the access helper (404 without standing), then
the plan and asks priorities.permissions (403 with the reason): ``common.py``. The rest of
a page that changes something (form, service, the service's ValidationError next to the
field, message, redirect) is ``csp_portal.lib.views.form_action``.

- ``plans.py``: the list, a plan, drafting, changing, deleting, adopting and refreshing it,
  the plan on a page and its CSV.
- ``content.py``: priorities, measures and targets, actions.
"""

from priorities.views.content import (
    action_create,
    action_delete,
    action_edit,
    measure_create,
    measure_delete,
    measure_edit,
    measure_targets,
    priority_create,
    priority_delete,
    priority_edit,
)
from priorities.views.plans import (
    plan_adopt,
    plan_create,
    plan_delete,
    plan_detail,
    plan_edit,
    plan_list,
    plan_on_a_page,
    plan_on_a_page_csv,
    plan_refresh,
)

__all__ = [
    "action_create",
    "action_delete",
    "action_edit",
    "measure_create",
    "measure_delete",
    "measure_edit",
    "measure_targets",
    "plan_adopt",
    "plan_create",
    "plan_delete",
    "plan_detail",
    "plan_edit",
    "plan_list",
    "plan_on_a_page",
    "plan_on_a_page_csv",
    "plan_refresh",
    "priority_create",
    "priority_delete",
    "priority_edit",
]
