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
``access_for(user).has(...)``. The grants themselves are read through a ``GrantSource``
that the partnerships app registers (partnerships/grants.py), so this module imports no
app. ``user.has_perm(capability, partnership)`` gives the same answers
(accounts/backends.py). See docs/permissions.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from django.http import HttpRequest


# Where the grants come from --------------------------------------------------------------
#
# This module imports no app (tests/csp_portal/test_layers.py): the app that keeps the
# role grants registers a source in its AppConfig.ready() (partnerships/grants.py).


class GrantSource(Protocol):
    """What the access helper needs from the app that keeps the role grants."""

    # Every capability codename (what a site administrator holds everywhere).
    capabilities: frozenset[str]
    # The capability that lets a person see a partnership (the default question).
    view_capability: str

    @property
    def partnership_model(self) -> type[Model]:
        """The partnership model: it has ``slug`` and a ``force_area`` foreign key."""
        ...

    def permission_rows(self, user_id: int) -> Iterable[tuple[str, int, str]]:
        """(kind, object id, codename) for every object permission the person's groups
        hold: kind ``"p"`` for a partnership, ``"f"`` for a police force area."""
        ...


class PartnershipLike(Protocol):
    pk: Any
    force_area_id: Any


_SOURCE: list[GrantSource] = []


def register_grant_source(source: GrantSource) -> None:
    """Called once, from the grant-keeping app's ``AppConfig.ready()``."""
    _SOURCE[:] = [source]


def grant_source() -> GrantSource:
    if not _SOURCE:
        raise ImproperlyConfigured(
            "No grant source is registered: is the partnerships app installed?"
        )
    return _SOURCE[0]


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
        """One query (the grant source's): the object permissions held by the person's
        groups on partnerships and on force areas."""
        for kind, object_id, codename in grant_source().permission_rows(self.user.pk):
            target = self._by_partnership if kind == "p" else self._by_force_area
            target[object_id].add(codename)

    # Questions about one partnership -------------------------------------------------

    def capabilities(self, partnership: PartnershipLike) -> frozenset[str]:
        if self.is_site_admin:
            return grant_source().capabilities
        return frozenset(
            self._by_partnership.get(partnership.pk, set())
            | self._by_force_area.get(partnership.force_area_id, set())
        )

    def has(self, capability: str, partnership: PartnershipLike) -> bool:
        return _codename(capability) in self.capabilities(partnership)

    def has_standing(self, partnership: PartnershipLike) -> bool:
        """Whether the person holds any role that reaches this partnership."""
        return bool(self.capabilities(partnership))

    # Questions about a force area ----------------------------------------------------

    def force_area_capabilities(self, force_area_id: int) -> frozenset[str]:
        if self.is_site_admin:
            return grant_source().capabilities
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

    def partnerships(self, capability: str | None = None) -> QuerySet[Any]:
        """The partnerships where the person has ``capability`` (by default: may see)."""
        source = grant_source()
        capability = capability or source.view_capability
        return source.partnership_model._default_manager.filter(self.partnership_filter(capability))

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


def require(user: Any, capability: str, partnership: PartnershipLike) -> None:
    """404 without standing, 403 without the capability."""
    access = access_for(user)
    if not access.has_standing(partnership):
        raise Http404("No such partnership")
    if not access.has(capability, partnership):
        raise PermissionDenied


def get_partnership_for_user(request: HttpRequest, slug: str, capability: str | None = None) -> Any:
    """The partnership with this slug (by default the question is: may see it)."""
    source = grant_source()
    model = source.partnership_model
    try:
        partnership: Any = model._default_manager.select_related("force_area").get(slug=slug)
    except ObjectDoesNotExist as exc:
        raise Http404("No such partnership") from exc
    require(request.user, capability or source.view_capability, partnership)
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
    try:
        obj: Any = queryset.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    require(request.user, capability, obj.partnership)
    return obj
