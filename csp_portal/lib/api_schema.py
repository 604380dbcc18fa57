"""The OpenAPI schema says what the server does (see docs/api.md).

``AutoSchema`` is drf-spectacular's, plus what every operation shares: the error
responses of csp_portal.lib.api (one ``Error`` schema, ``WWW-Authenticate`` on 401), a
pattern on every UUID path parameter, and the OpenAPI links a viewset declares in
``schema_links = {action: {link name: link}}`` (schemathesis follows them).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions

from csp_portal.lib.api import (
    DECIMAL_REGEX,
    MAX_PAGE_SIZE,
    NO_NUL_REGEX,
    UUID_REGEX,
    CapabilityViewSetMixin,
    ClosedSerializerMixin,
    StrictCharField,
    StrictDecimalField,
)

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "An error. ``detail`` says what went wrong; a 400 for bad fields has one list of "
        "messages per field name (``non_field_errors`` for the body as a whole)."
    ),
    "properties": {
        "detail": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        },
    },
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
_ERROR_EXAMPLES = {
    "400": {"value": {"limit": [f"Give limit as a whole number from 1 to {MAX_PAGE_SIZE}."]}},
    "401": {"value": {"detail": "Authentication credentials were not provided."}},
    "403": {"value": {"detail": "Draft plans are only shown to the partnership's own members."}},
    "404": {"value": {"detail": "Not found."}},
    "409": {"value": {"detail": "Someone saved this section after you opened it."}},
    "413": {"value": {"detail": "The request body is too large."}},
    "415": {"value": {"detail": 'Unsupported media type "text/plain" in request.'}},
}
_ERROR_DESCRIPTIONS = {
    "400": "Bad input: a field, a query parameter or the JSON body.",
    "401": "Not signed in: send ``Authorization: Token <key>``.",
    "403": "Signed in, but the rule in the reason forbids it.",
    "404": "No such object, or not one you have any role for.",
    "409": "Someone changed it since the revision you sent.",
    "413": "The body is over the size limit.",
    "415": "The body is not JSON.",
}
_READ_ERRORS = ("400", "401", "403", "404")
_WRITE_ERRORS = (*_READ_ERRORS, "409", "413", "415")


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema with the shared error responses, patterns and links."""

    def _error_ref(self) -> dict[str, str]:
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        codes = _READ_ERRORS if self.method in permissions.SAFE_METHODS else _WRITE_ERRORS
        for code in codes:
            if code in responses:
                continue
            responses[code] = {
                "description": _ERROR_DESCRIPTIONS[code],
                "content": {
                    "application/json": {
                        "schema": self._error_ref(),
                        "examples": {"Error": _ERROR_EXAMPLES[code]},
                    }
                },
            }
        responses["401"]["headers"] = {
            "WWW-Authenticate": {
                "schema": {"type": "string"},
                "description": "How to authenticate: ``Token``.",
            }
        }
        links = getattr(self.view, "schema_links", {}).get(getattr(self.view, "action", None))
        if links:
            ok = next(code for code in ("200", "201") if code in responses)
            responses[ok]["links"] = links
        return responses

    def _map_serializer(
        self, serializer: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        # drf-spectacular has no type information: its answers are Any.
        schema: dict[str, Any] = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(serializer, ClosedSerializerMixin):
            schema["additionalProperties"] = False
        return schema

    def _resolve_path_parameters(self, variables: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._resolve_path_parameters(variables)
        # The URLs let any segment through (so a malformed id is a JSON 404 from the
        # view); every id in them is a UUID, and that is what the schema promises.
        every_id_a_uuid = isinstance(self.view, CapabilityViewSetMixin)
        for parameter in parameters:
            schema = parameter["schema"]
            if every_id_a_uuid or schema.get("format") == "uuid":
                parameter["schema"] = {"type": "string", "format": "uuid", "pattern": UUID_REGEX}
        return parameters


class StrictCharFieldExtension(OpenApiSerializerFieldExtension):
    """A strict string says it holds no NUL."""

    target_class = StrictCharField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "pattern": NO_NUL_REGEX}


class StrictDecimalFieldExtension(OpenApiSerializerFieldExtension):
    """A strict decimal's pattern is the one the server checks."""

    target_class = StrictDecimalField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "pattern": DECIMAL_REGEX}
