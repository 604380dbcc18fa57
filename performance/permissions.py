"""Who may do what with a quarterly return. State first, then role.

- Draft and submitted returns are working papers (VIEW_WORKING_PAPERS); approved returns
  are published (VIEW_PUBLISHED: scrutiny, PCC office, panel members too).
- Officers and managers (CONTRIBUTE) start, edit and submit a draft.
- Managers (SIGN_OFF) approve a submitted return or send it back with comments; nobody
  approves a return they submitted themselves.
- The PCC office (QUERY_RETURNS) may query an approved return, which reopens it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from accounts.roles import Capability
from csp_portal.lib.access import access_for
from csp_portal.lib.decisions import Decision
from performance.models import PerformanceReturn

if TYPE_CHECKING:
    from accounts.models import User
    from partnerships.models import ForceArea, Partnership

Status = PerformanceReturn.Status


def can_view_return(user: User, ret: PerformanceReturn) -> Decision:
    access = access_for(user)
    if access.has(Capability.VIEW_WORKING_PAPERS, ret.partnership):
        return Decision.allow()
    if ret.status == Status.APPROVED and access.has(Capability.VIEW_PUBLISHED, ret.partnership):
        return Decision.allow()
    return Decision.deny(
        _(
            "This return has not been approved yet, so only the partnership's own members can see it."
        )
    )


def can_start_return(user: User, partnership: Partnership) -> Decision:
    if access_for(user).has(Capability.CONTRIBUTE, partnership):
        return Decision.allow()
    return Decision.deny(_("Only the partnership's officers and managers can start a return."))


def can_edit_return(user: User, ret: PerformanceReturn) -> Decision:
    if ret.status == Status.SUBMITTED:
        return Decision.deny(
            _(
                "This return has been submitted for sign-off, so it cannot be changed unless it is returned."
            )
        )
    if ret.status == Status.APPROVED:
        return Decision.deny(_("This return has been approved, so it is frozen."))
    if not access_for(user).has(Capability.CONTRIBUTE, ret.partnership):
        return Decision.deny(
            _("Only the partnership's officers and managers can fill in the return.")
        )
    return Decision.allow()


def can_submit_return(user: User, ret: PerformanceReturn) -> Decision:
    return can_edit_return(user, ret)


def can_send_back_return(user: User, ret: PerformanceReturn) -> Decision:
    if ret.status != Status.SUBMITTED:
        return Decision.deny(_("Only a return awaiting sign-off can be returned."))
    if not access_for(user).has(Capability.SIGN_OFF, ret.partnership):
        return Decision.deny(
            _("Only a manager of the partnership can return a return for changes.")
        )
    return Decision.allow()


def can_approve_return(user: User, ret: PerformanceReturn) -> Decision:
    if ret.status != Status.SUBMITTED:
        return Decision.deny(_("Only a return awaiting sign-off can be approved."))
    if not access_for(user).has(Capability.SIGN_OFF, ret.partnership):
        return Decision.deny(_("Only a manager of the partnership can approve its return."))
    if ret.submitted_by_id == user.pk:
        return Decision.deny(_("You submitted this return, so another manager must approve it."))
    return Decision.allow()


def can_query_return(user: User, ret: PerformanceReturn) -> Decision:
    if ret.status != Status.APPROVED:
        return Decision.deny(_("Only an approved return can be queried."))
    if not access_for(user).has(Capability.QUERY_RETURNS, ret.partnership):
        return Decision.deny(
            _("Only the Police and Crime Commissioner's office can query a return.")
        )
    return Decision.allow()


def can_view_overview(user: User, force_area: ForceArea) -> Decision:
    if Capability.VIEW_OVERVIEW.value in access_for(user).force_area_capabilities(force_area.pk):
        return Decision.allow()
    return Decision.deny(
        _("Only the Police and Crime Commissioner's office can see the force-area overview.")
    )
