"""Who may read and change a partnership's plan. State first, then role.

- Draft plans are working papers: members with VIEW_WORKING_PAPERS read them; adopted
  and superseded plans are published to everyone who can see the partnership's
  published material (scrutiny, PCC office, panel members).
- Officers and managers (CONTRIBUTE) shape a draft: priorities, measures, targets,
  actions. Once adopted, the structure is fixed; action progress stays open to them.
- Managers (SIGN_OFF) adopt a draft and start the yearly refresh. Adopting a draft
  supersedes the adopted plan it replaces (never on its own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from accounts.roles import Capability
from csp_portal.lib.access import access_for
from csp_portal.lib.decisions import Decision
from priorities.models import Plan

if TYPE_CHECKING:
    from accounts.models import User
    from partnerships.models import Partnership


def can_view_plan(user: User, plan: Plan) -> Decision:
    access = access_for(user)
    if plan.status == Plan.Status.DRAFT:
        if access.has(Capability.VIEW_WORKING_PAPERS, plan.partnership):
            return Decision.allow()
        return Decision.deny(_("Draft plans are only shown to the partnership's own members."))
    if access.has(Capability.VIEW_PUBLISHED, plan.partnership):
        return Decision.allow()
    return Decision.deny(_("You cannot see this partnership's plans."))


def can_create_plan(user: User, partnership: Partnership) -> Decision:
    if not access_for(user).has(Capability.CONTRIBUTE, partnership):
        return Decision.deny(_("Only the partnership's officers and managers can draft a plan."))
    if partnership.plans.filter(status=Plan.Status.DRAFT).exists():
        return Decision.deny(_("There is already a draft plan. Finish or adopt it first."))
    return Decision.allow()


def can_edit_plan(user: User, plan: Plan) -> Decision:
    """Change the plan's structure: title, priorities, measures, targets, actions."""
    if plan.status != Plan.Status.DRAFT:
        return Decision.deny(
            _(
                "This plan has been adopted, so its priorities, measures and targets are fixed. Refresh the plan to change them."
            )
        )
    if not access_for(user).has(Capability.CONTRIBUTE, plan.partnership):
        return Decision.deny(_("Only the partnership's officers and managers can change the plan."))
    return Decision.allow()


def can_update_action_progress(user: User, plan: Plan) -> Decision:
    """Status, RAG and progress of an action: open all year on the current plan."""
    if plan.status == Plan.Status.SUPERSEDED:
        return Decision.deny(
            _("This version of the plan has been replaced. Update the actions of the current plan.")
        )
    if not access_for(user).has(Capability.CONTRIBUTE, plan.partnership):
        return Decision.deny(_("Only the partnership's officers and managers can update actions."))
    return Decision.allow()


def can_adopt_plan(user: User, plan: Plan) -> Decision:
    if plan.status != Plan.Status.DRAFT:
        return Decision.deny(_("Only a draft plan can be adopted."))
    if not access_for(user).has(Capability.SIGN_OFF, plan.partnership):
        return Decision.deny(_("Only a manager of the partnership can adopt its plan."))
    return Decision.allow()


def can_supersede_plan(user: User, plan: Plan) -> Decision:
    """Part of adopting another version (priorities.services.plan_adopt), never on its own."""
    if plan.status != Plan.Status.ADOPTED:
        return Decision.deny(_("Only the adopted plan can be superseded."))
    if not access_for(user).has(Capability.SIGN_OFF, plan.partnership):
        return Decision.deny(_("Only a manager of the partnership can adopt a new version."))
    return Decision.allow()


def can_refresh_plan(user: User, plan: Plan) -> Decision:
    if plan.status != Plan.Status.ADOPTED:
        return Decision.deny(_("Only the adopted plan can be refreshed."))
    if not access_for(user).has(Capability.SIGN_OFF, plan.partnership):
        return Decision.deny(_("Only a manager of the partnership can start the yearly refresh."))
    if plan.partnership.plans.filter(status=Plan.Status.DRAFT).exists():
        return Decision.deny(_("A refreshed draft already exists. Adopt or delete it first."))
    return Decision.allow()
