"""``user.has_perm(capability, partnership)`` answers as the access helper does.

guardian's own backend reads only the permissions held on the object itself, so it says
no to a PCC reviewer asking about a partnership of their force area (their role is held
on the force area). This backend sits before guardian's in AUTHENTICATION_BACKENDS and
answers for partnerships and force areas from ``csp_portal.lib.access``: a yes when the
access helper says yes, and a final no (``PermissionDenied`` stops Django asking the
later backends) when it says no, so guardian cannot answer differently either way.

Any other object, or a permission that is not a capability, is left to guardian: the
DHR pages will grant per-case permissions to named people through guardian's API.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model

from accounts.roles import Capability
from csp_portal.lib.access import access_for
from partnerships.models import ForceArea, Partnership

CAPABILITIES = frozenset(c.value for c in Capability)


class PartnershipPermissionBackend:
    """An authorisation-only backend: it never authenticates anyone."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Model | None = None) -> bool:
        if not isinstance(obj, Partnership | ForceArea):
            return False  # not ours: the model backend and guardian answer
        app_label, _, codename = perm.rpartition(".")
        if codename not in CAPABILITIES or app_label not in ("", obj._meta.app_label):
            return False
        access = access_for(user_obj)
        if isinstance(obj, Partnership):
            allowed = codename in access.capabilities(obj)
        else:
            allowed = codename in access.force_area_capabilities(obj.pk)
        if not allowed:
            raise PermissionDenied
        return True
