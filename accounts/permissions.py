"""Rules for granting and revoking roles.

A partnership manager grants and revokes partnership roles in their own partnership.
Nobody may grant a role beyond their own reach: every capability the role carries must
already be one the granter holds in that partnership. Force-area roles are granted by
site administrators only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from accounts.roles import ROLE_CAPABILITIES, ROLE_SCOPE, Capability, Scope
from csp_portal.lib.access import access_for
from csp_portal.lib.decisions import Decision

if TYPE_CHECKING:
    from accounts.models import RoleGrant, User
    from partnerships.models import ForceArea, Partnership


def can_manage_roles(user: User, partnership: Partnership) -> Decision:
    if access_for(user).has(Capability.MANAGE_ROLES, partnership):
        return Decision.allow()
    return Decision.deny(_("Only a manager of this partnership can change who has which role."))


def can_grant_role(
    user: User,
    *,
    role: str,
    partnership: Partnership | None = None,
    force_area: ForceArea | None = None,
) -> Decision:
    access = access_for(user)
    if access.is_site_admin:
        return Decision.allow()
    if ROLE_SCOPE[role] == Scope.FORCE_AREA or partnership is None:
        return Decision.deny(
            _("Only a site administrator can grant roles for a police force area.")
        )
    decision = can_manage_roles(user, partnership)
    if not decision:
        return decision
    beyond = ROLE_CAPABILITIES[role] - access.capabilities(partnership)
    if beyond:
        return Decision.deny(
            _("You cannot grant a role that can do more than you can in this partnership.")
        )
    return Decision.allow()


def can_revoke_grant(user: User, grant: RoleGrant) -> Decision:
    if grant.user_id == user.pk and not access_for(user).is_site_admin:
        return Decision.deny(_("You cannot remove your own role. Ask another manager."))
    return can_grant_role(
        user, role=grant.role, partnership=grant.partnership, force_area=grant.force_area
    )
