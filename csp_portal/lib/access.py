"""The one access helper every view goes through.

What a person may do in a partnership is the union of the guardian object permissions
their role groups hold on that partnership and on its police force area. ``Access``
reads them once per request (two queries, whatever the number of partnerships on the
page) and answers every later question from memory.

Views:
- ``get_partnership_for_user(request, slug, capability)``: 404 if the person has no
  standing in the partnership at all (so its existence is not disclosed), 403 if they
  do but lack the capability.
- ``get_object_for_user(request, queryset, capability, **lookup)``: the same for an
  object that belongs to a partnership (it must expose ``.partnership``).

Each app's ``permissions.py`` builds its rules (state first, then role) on top of
``access_for(user).has(...)``. See docs/permissions.md.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from accounts.roles import Capability

if TYPE_CHECKING:
    from django.http import HttpRequest

    from partnerships.models import Partnership

ALL_CAPABILITIES = frozenset(c.value for c in Capability)


def _permission_sql() -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from partnerships.models import ForceAreaGroupObjectPermission, PartnershipGroupObjectPermission

    memberships = get_user_model().groups.through._meta.db_table
    permissions = Permission._meta.db_table
    parts = []
    for kind, model in (
        ("p", PartnershipGroupObjectPermission),
        ("f", ForceAreaGroupObjectPermission),
    ):
        parts.append(
            f"SELECT '{kind}', g.content_object_id, p.codename FROM {model._meta.db_table} g "  # noqa: S608 - table names from the models, no input
            f"JOIN {memberships} m ON m.group_id = g.group_id "
            f"JOIN {permissions} p ON p.id = g.permission_id WHERE m.user_id = %s"
        )
    return " UNION ALL ".join(parts)


_PERMISSION_SQL: list[str] = []


def _permission_rows(user_id: int) -> list[tuple[str, int, str]]:
    if not _PERMISSION_SQL:
        _PERMISSION_SQL.append(_permission_sql())
    with connection.cursor() as cursor:
        cursor.execute(_PERMISSION_SQL[0], [user_id, user_id])
        rows: list[tuple[str, int, str]] = cursor.fetchall()
        return rows


def _codename(capability: str) -> str:
    return capability.split(".", 1)[-1]


class Access:
    def __init__(self, user: Any) -> None:
        self.user = user
        self.is_site_admin = bool(
            getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser
        )
        self._by_partnership: dict[int, set[str]] = defaultdict(set)
        self._by_force_area: dict[int, set[str]] = defaultdict(set)
        if getattr(user, "is_authenticated", False) and user.is_active and not self.is_site_admin:
            self._load()

    def _load(self) -> None:
        """One query: the guardian object permissions held by the person's groups on
        partnerships and on force areas.

        Written in SQL because it runs on every request: the same query through the ORM
        costs three times as long (1.5 ms of query building on a benchmark machine), and
        the ORM's path through auth_group adds a join the question does not need."""
        for kind, object_id, codename in _permission_rows(self.user.pk):
            target = self._by_partnership if kind == "p" else self._by_force_area
            target[object_id].add(codename)

    # Questions about one partnership -------------------------------------------------

    def capabilities(self, partnership: Partnership) -> frozenset[str]:
        if self.is_site_admin:
            return ALL_CAPABILITIES
        return frozenset(
            self._by_partnership.get(partnership.pk, set())
            | self._by_force_area.get(partnership.force_area_id, set())
        )

    def has(self, capability: str, partnership: Partnership) -> bool:
        return _codename(capability) in self.capabilities(partnership)

    def has_standing(self, partnership: Partnership) -> bool:
        """Whether the person holds any role that reaches this partnership."""
        return bool(self.capabilities(partnership))

    # Questions about a force area ----------------------------------------------------

    def force_area_capabilities(self, force_area_id: int) -> frozenset[str]:
        if self.is_site_admin:
            return ALL_CAPABILITIES
        return frozenset(self._by_force_area.get(force_area_id, set()))

    def force_area_ids_with(self, capability: str) -> set[int]:
        code = _codename(capability)
        return {fa for fa, caps in self._by_force_area.items() if code in caps}

    # Lists -----------------------------------------------------------------------------

    def partnership_filter(self, capability: str, prefix: str = "") -> Q:
        """A Q object selecting the partnerships where the person has ``capability``.

        ``prefix`` lets other models filter through their partnership relation, for
        example ``prefix="partnership__"``.
        """
        if self.is_site_admin:
            return Q()
        code = _codename(capability)
        partnership_ids = [pk for pk, caps in self._by_partnership.items() if code in caps]
        force_area_ids = list(self.force_area_ids_with(code))
        if not partnership_ids and not force_area_ids:
            return Q(pk__in=[])
        pk_field = f"{prefix}pk" if not prefix else f"{prefix}id"
        return Q(**{f"{pk_field}__in": partnership_ids}) | Q(
            **{f"{prefix}force_area_id__in": force_area_ids}
        )

    def partnerships(self, capability: str = Capability.VIEW_PARTNERSHIP) -> QuerySet[Partnership]:
        from partnerships.models import Partnership

        return Partnership.objects.filter(self.partnership_filter(capability))

    def has_any(self, capability: str) -> bool:
        """Whether the person has ``capability`` anywhere (used to build navigation)."""
        if self.is_site_admin:
            return True
        code = _codename(capability)
        return any(code in caps for caps in self._by_partnership.values()) or any(
            code in caps for caps in self._by_force_area.values()
        )


def access_for(user: Any) -> Access:
    """The person's Access, computed once and kept on the user object for the request."""
    cached = getattr(user, "_csp_access", None)
    if cached is None:
        cached = Access(user)
        try:
            user._csp_access = cached
        except AttributeError:  # AnonymousUser is immutable enough not to matter
            pass
    return cached


def forget_access(user: Any) -> None:
    """Drop the cached Access (after a role is granted or revoked in the same request)."""
    if hasattr(user, "_csp_access"):
        del user._csp_access


def require(user: Any, capability: str, partnership: Partnership) -> None:
    """404 without standing, 403 without the capability."""
    access = access_for(user)
    if not access.has_standing(partnership):
        raise Http404("No such partnership")
    if not access.has(capability, partnership):
        raise PermissionDenied


def get_partnership_for_user(
    request: HttpRequest, slug: str, capability: str = Capability.VIEW_PARTNERSHIP
) -> Partnership:
    from partnerships.models import Partnership

    try:
        partnership = Partnership.objects.select_related("force_area").get(slug=slug)
    except Partnership.DoesNotExist as exc:
        raise Http404("No such partnership") from exc
    require(request.user, capability, partnership)
    return partnership


def get_object_for_user(
    request: HttpRequest,
    queryset: QuerySet[Any] | type[Model],
    capability: str,
    **lookup: Any,
) -> Any:
    """Fetch an object that belongs to a partnership, checking the capability there.

    The queryset should ``select_related`` the path to the partnership and its force area.
    """
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    model: Any = queryset.model
    try:
        obj: Any = queryset.get(**lookup)
    except model.DoesNotExist as exc:
        raise Http404 from exc
    require(request.user, capability, obj.partnership)
    return obj
