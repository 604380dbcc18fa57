"""API plumbing shared by every app (see docs/api.md).

- ``Pagination``: every list is limit/offset paginated, at most ``MAX_PAGE_SIZE`` rows a
  page; a ``limit`` or ``offset`` that is not a whole number in range is a 400, never a
  silent clamp (a limit of 2**63 used to reach PostgreSQL and overflow its bigint).
- ``StrictJSONParser``: writes are JSON only (anything else is 415); a body nested
  deeper than ``MAX_JSON_DEPTH`` or holding a lone surrogate (which no UTF-8 text can
  carry, so it could not be stored or echoed back) is a 400.
- ``JSONRenderer``: cannot fail on text it cannot encode.
- ``exception_handler``: every error is a JSON body, whatever renderer the view had.
- ``CapabilityPermission``: the object lookup of every viewset goes through the access
  helper and the app's ``permissions.py`` rules: 404 without standing in the object's
  partnership, 403 with the rule's reason otherwise.
- ``csp_portal.lib.api_schema.AutoSchema`` documents all this in the schema (a module of
  its own: drf-spectacular imports DRF's views, which import this module's renderer and
  parser through the settings).

Nothing here may import ``rest_framework.views`` at module level, for the same reason.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    ValidationError,
)
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import (
    authentication,
    exceptions,
    parsers,
    permissions,
    renderers,
    serializers,
    status,
)
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from csp_portal.lib.access import access_for
from csp_portal.lib.decisions import Decision

if TYPE_CHECKING:  # the stubs' name for what APIView.permission_classes holds
    from rest_framework.permissions import _PermissionClass

logger = logging.getLogger(__name__)

UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UUID_REGEX = f"^{UUID_PATTERN}$"
SLUG_REGEX = r"^[-a-zA-Z0-9_]+$"

# Pagination -----------------------------------------------------------------------------

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
# Far beyond any list the portal holds, far below PostgreSQL's bigint.
MAX_OFFSET = 1_000_000_000
_WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")


def _bounded(request: Any, name: str, low: int, high: int, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    value = int(raw) if _WHOLE_NUMBER.fullmatch(raw) else None
    if value is None or not low <= value <= high:
        raise exceptions.ValidationError(
            {name: [f"Give {name} as a whole number from {low} to {high}."]}
        )
    return value


class Pagination(LimitOffsetPagination):
    """Limit/offset pages of at most MAX_PAGE_SIZE rows; out-of-range values are a 400."""

    default_limit = DEFAULT_PAGE_SIZE
    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request: Any) -> int:
        return _bounded(request, self.limit_query_param, 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE)

    def get_offset(self, request: Any) -> int:
        return _bounded(request, self.offset_query_param, 0, MAX_OFFSET, 0)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        bounds = {
            self.limit_query_param: (1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
            self.offset_query_param: (0, MAX_OFFSET, 0),
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            low, high, default = bounds[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high, default=default)
        return parameters


# Parsing and rendering ----------------------------------------------------------------

MAX_JSON_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_problem(data: Any) -> str | None:
    """Why a parsed body cannot be accepted, or None. Walks without recursion."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return "The body holds a lone surrogate (\\ud800 to \\udfff), which is not text."
        elif isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                return f"The body is nested more than {MAX_JSON_DEPTH} levels deep."
            items = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((item, depth + 1) for item in items)
    return None


class StrictJSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested too deep or holding lone surrogates."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(
                f"JSON parse error - the body is nested more than {MAX_JSON_DEPTH} levels deep."
            ) from exc
        problem = _json_problem(data)
        if problem:
            raise exceptions.ParseError(f"JSON parse error - {problem}")
        return data


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer; text UTF-8 cannot carry (a lone surrogate from anywhere) is
    replaced by U+FFFD instead of failing the response."""

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        try:
            # The stubs declare BaseRenderer.render's answer as Any; JSONRenderer's is bytes.
            rendered: bytes = super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            text = json.dumps(data, cls=self.encoder_class, ensure_ascii=False)
            return _SURROGATE.sub("\ufffd", text).encode()
        return rendered


# Errors ---------------------------------------------------------------------------------


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus Django's errors, always rendered as JSON."""
    # Imported here: DRF's views import this module (the renderer and parser settings).
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            detail = exc.message_dict
        else:
            detail = {"detail": exc.messages}
        response: Response | None = Response(detail, status=status.HTTP_400_BAD_REQUEST)
    else:
        if isinstance(exc, PermissionDenied) and str(exc):
            exc = exceptions.PermissionDenied(str(exc))
        elif isinstance(exc, Http404):
            exc = exceptions.NotFound()
        elif isinstance(exc, RequestDataTooBig):
            exc = exceptions.APIException("The request body is too large.")
            exc.status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        elif isinstance(exc, TooManyFieldsSent):
            exc = exceptions.ValidationError({"detail": "The request has too many fields."})
        response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        # The view's renderer may be YAML (the schema) or have failed to be chosen (an
        # unknown ?format= or Accept): errors are JSON whatever was asked for.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


# Strict write fields: JSON has types, so a number is not a string or a boolean. DRF's
# fields coerce ("5" to 5, 1 to True, 5 to "5"), which makes the server accept what its
# schema says is invalid; these accept exactly what the schema documents.

DECIMAL_REGEX = r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$"
NO_NUL_REGEX = "^[^\u0000]*$"


class StrictCharField(serializers.CharField):
    """A JSON string (no NUL: PostgreSQL cannot store it)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false, nothing that merely reads as one."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """A decimal as a JSON string matching DECIMAL_REGEX (12 whole digits, 2 places).

    Matched with ``re.search``, as JSON Schema's ``pattern`` is."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not re.search(DECIMAL_REGEX, data):
            self.fail("invalid")
        return super().to_internal_value(data)


class ClosedSerializerMixin:
    """A write serializer that refuses fields it does not know (rather than ignoring a
    typo); the schema says so with ``additionalProperties: false``."""

    def to_internal_value(self, data: Any) -> Any:
        fields: Any = getattr(self, "fields", {})
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(fields))
            if unknown:
                raise exceptions.ValidationError(
                    {name: ["This field is not known, or cannot be changed."] for name in unknown}
                )
        return super().to_internal_value(data)  # type: ignore[misc]


# Authentication -------------------------------------------------------------------------

_TOKEN_KEY = re.compile(r"[0-9a-f]{40}")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, but a key that cannot be a token (DRF keys are 40 hex digits) is refused
    before the database is asked (a NUL never gets here: the request guard refuses it)."""

    def authenticate_credentials(self, key: str) -> Any:
        if not _TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)


# Permissions ----------------------------------------------------------------------------

Rule = Callable[[Any, Any], Decision]


class CapabilityPermission(permissions.BasePermission):
    """Signed in for every request; for an object, the rules of the app's permissions.py.

    A viewset names the rules (functions of ``(user, subject) -> Decision``) in
    ``read_rules`` (safe methods) and ``write_rules``; ``access_subject(obj)`` gives what
    they are about (the plan of a measure, the return itself), which has a
    ``partnership``. Without standing in that partnership the object is not disclosed (404).
    """

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        subject = view.access_subject(obj)
        if not access_for(request.user).has_standing(subject.partnership):
            raise exceptions.NotFound()
        rules: Sequence[Rule] = (
            view.read_rules if request.method in permissions.SAFE_METHODS else view.write_rules
        )
        for rule in rules:
            decision = rule(request.user, subject)
            if not decision:
                raise exceptions.PermissionDenied(decision.reason)
        return True


def parse_uuid_or_404(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise exceptions.NotFound() from exc


def slug_parameter(request: Any, name: str) -> str | None:
    """A slug from the query string, or None if not given; 400 if it cannot be a slug
    (an empty one included: the schema's pattern says what is accepted)."""
    value: str | None = request.query_params.get(name)
    if value is None:
        return None
    if not re.search(SLUG_REGEX, value):  # as JSON Schema's pattern matches
        raise exceptions.ValidationError(
            {name: ["Give a slug: letters, digits, hyphens and underscores."]}
        )
    return value


class CapabilityViewSetMixin:
    """``get_object`` for UUID-keyed objects: look it up among all objects (so an object
    of another partnership is a 404 from the permission class, not a silent miss), then
    ``check_object_permissions``."""

    # Declared exactly as APIView declares it (an attribute that can be reassigned must
    # have the same type in both bases of a view set).
    permission_classes: Sequence[_PermissionClass] = [CapabilityPermission]
    # Any path segment reaches the view, so a malformed id is DRF's JSON 404, not the
    # site's HTML one; the schema gives the id's pattern.
    lookup_value_regex = "[^/]+"
    read_rules: tuple[Rule, ...] = ()
    write_rules: tuple[Rule, ...] = ()

    def access_subject(self, obj: Any) -> Any:
        return obj

    def lookup_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_object(self) -> Any:
        view: Any = self
        lookup = parse_uuid_or_404(view.kwargs[view.lookup_url_kwarg or view.lookup_field])
        obj = self.lookup_queryset().filter(**{view.lookup_field: lookup}).first()
        if obj is None:
            raise exceptions.NotFound()
        view.check_object_permissions(view.request, obj)
        return obj
