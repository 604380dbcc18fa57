"""Rules about partnership records themselves.

Partnerships, memberships and boards are created and changed by site administrators
(the Django admin); anyone with a role in a partnership reads them (the access helper's
standing check, ``get_partnership_for_user``). Managers see the change history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from accounts.roles import Capability
from csp_portal.lib.access import access_for
from csp_portal.lib.decisions import Decision

if TYPE_CHECKING:
    from accounts.models import User
    from partnerships.models import Partnership


def can_view_change_history(user: User, partnership: Partnership) -> Decision:
    if access_for(user).has(Capability.VIEW_CHANGE_HISTORY, partnership):
        return Decision.allow()
    return Decision.deny(_("Only managers of this partnership can see its change history."))
