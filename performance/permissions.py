"""Who may do what with a quarterly return. State first, then role.

- Draft and submitted returns are working papers (VIEW_WORKING_PAPERS); approved returns
  are published (VIEW_PUBLISHED: scrutiny, PCC office, panel members too).
- Officers and managers (CONTRIBUTE) start, edit and submit a draft.
- Managers (SIGN_OFF) approve a submitted return or send it back with comments; nobody
  approves a return they submitted themselves.
- The PCC office (QUERY_RETURNS) may query an approved return, which reopens it.
- A return's history: readers of published returns (scrutiny, panel members, the PCC
  office) see that and when it was approved, not the partnership's working papers before
  that; the PCC office also sees its own queries (see ``history_audience``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.roles import Capability
from csp_portal.lib.access import access_for
from csp_portal.lib.decisions import Decision
from performance.models import PerformanceReturn, ReturnEvent

if TYPE_CHECKING:
    from accounts.models import User
    from csp_portal.lib.access import Access
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


def visible_returns_filter(access: Access) -> Q:
    """can_view_return as a filter, for lists (PerformanceReturn.objects.visible_to):
    every return where the person sees working papers, approved ones where they read
    published returns. A test checks that the two agree for every persona."""
    if access.is_site_admin:
        return Q()
    working = access.partnership_filter(Capability.VIEW_WORKING_PAPERS, prefix="partnership__")
    published = access.partnership_filter(Capability.VIEW_PUBLISHED, prefix="partnership__")
    return working | (published & Q(status=Status.APPROVED))


# A return's history --------------------------------------------------------------------

# Who reads the history (the audience decides which steps and comments are shown).
PARTNERSHIP = "partnership"
PCC_OFFICE = "pcc_office"
PUBLISHED = "published"


def history_audience(user: User, ret: PerformanceReturn) -> str:
    """Which history of the return this person reads.

    - The partnership's own members (VIEW_WORKING_PAPERS) read all of it: every step and
      every comment, as the history is how officers and managers work together.
    - The PCC office (QUERY_RETURNS) reads the published record plus its own queries and
      the comments on them: a query is addressed by the PCC office to the partnership.
    - Other readers of published returns (scrutiny, panel members) read the published
      record only.

    The published record is that the return was approved, when and by whom. What happened
    before approval (starting, each submission, a manager's comments when sending it back
    for changes, the comments a manager writes when signing it off) is the partnership's
    internal working papers: they are not part of what the partnership publishes."""
    access = access_for(user)
    if access.has(Capability.VIEW_WORKING_PAPERS, ret.partnership):
        return PARTNERSHIP
    if access.has(Capability.QUERY_RETURNS, ret.partnership):
        return PCC_OFFICE
    return PUBLISHED


def can_see_event(audience: str, event: ReturnEvent) -> Decision:
    """Whether a step of the return's history is shown to this audience."""
    if audience == PARTNERSHIP or event.kind == ReturnEvent.Kind.APPROVED:
        return Decision.allow()
    if audience == PCC_OFFICE and event.kind == ReturnEvent.Kind.QUERIED:
        return Decision.allow()
    return Decision.deny(_("The steps before approval are the partnership's working papers."))


def can_see_event_comment(audience: str, event: ReturnEvent) -> Decision:
    """Whether the comment that came with a step is shown to this audience: the
    partnership reads every comment, the PCC office the comments on its queries, and
    nobody outside the partnership reads a manager's sign-off comments."""
    if audience == PARTNERSHIP:
        return Decision.allow()
    if audience == PCC_OFFICE and event.kind == ReturnEvent.Kind.QUERIED:
        return Decision.allow()
    return Decision.deny(_("Sign-off comments are the partnership's working papers."))


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
