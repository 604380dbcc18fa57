"""/api/v1/returns/: quarterly returns (read) and their measure values (write).

Same rules as the pages (performance.permissions):
- a person sees the returns of partnerships where they have VIEW_WORKING_PAPERS, and
  approved returns where they have VIEW_PUBLISHED; a return of a partnership they have
  no role in is a 404, a return they may not see (a draft, for a scrutiny member) a 403;
- officers and managers (CONTRIBUTE) change measure values of a draft return: PATCH
  /api/v1/returns/<code>/measure-values/<measure>/, where <measure> is the measure's
  id (its lineage, the same in every version of the plan). The write goes through
  services.return_section_save, so the RAG is recalculated and the history kept.
  Send the section's ``revision`` (from the return or the measure value) to make sure
  nobody saved the section since you read it: a stale revision gets 409 Conflict.
  Without it, the current revision is used. JSON only; a partial update (see docs/api.md).

The object lookup and its 404/403 are csp_portal.lib.api.CapabilityPermission's, with
the rules named in ``read_rules``/``write_rules``. Serializers: performance/api_serializers.py.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from csp_portal.lib.access import access_for
from csp_portal.lib.api import (
    SLUG_REGEX,
    UUID_REGEX,
    CapabilityViewSetMixin,
    parse_uuid_or_404,
    slug_parameter,
)
from performance.api_serializers import (
    MeasureValueResultSerializer,
    MeasureValueUpdateSerializer,
    ReturnDetailSerializer,
    ReturnSerializer,
)
from performance.models import MeasureValue, PerformanceReturn, ReturnSection
from performance.periods import parse_period
from performance.permissions import can_edit_return, can_view_return
from performance.selectors import sections_with_values
from performance.services import ConcurrentEditError, return_section_save
from priorities.models import Measure

# 409: a stale revision, or a change that breaks a rule given what is stored (the
# measure's unit, the value's "no data", the section's assessment). Field errors as for
# a 400, plus the section's current revision.
CONFLICT_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "revision": {"type": "integer", "description": "The section's current revision."},
    },
    "required": ["revision"],
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _percentage_errors(measure: Measure, changes: dict[str, Any]) -> dict[str, list[str]]:
    if measure.unit != Measure.Unit.PERCENTAGE:
        return {}
    return {
        name: ["A percentage must be between 0 and 100."]
        for name in ("value", "ytd_value", "national_comparator")
        if changes.get(name) is not None and not 0 <= changes[name] <= 100
    }


def _conflict(section: ReturnSection, errors: dict[str, Any]) -> Response:
    current = ReturnSection.objects.values_list("revision", flat=True).get(pk=section.pk)
    return Response({**errors, "revision": current}, status=status.HTTP_409_CONFLICT)


# Reads ------------------------------------------------------------------------------


def _sections_prefetch() -> Prefetch:
    return Prefetch("sections", queryset=sections_with_values())


# The quarters parse_period accepts, written exactly.
PERIOD_REGEX = r"^(20[0-9]{2}|2100)-q[1-4]$"
_LIST_PARAMETERS = [
    OpenApiParameter("partnership", str, description="A partnership's slug.", pattern=SLUG_REGEX),
    OpenApiParameter(
        "period", str, description="A quarter, for example 2013-q2.", pattern=PERIOD_REGEX
    ),
    OpenApiParameter(
        "status", str, enum=[s.value for s in PerformanceReturn.Status], description="Status."
    ),
]
_MEASURE_PARAMETER = OpenApiParameter(
    "measure",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The measure's id (the ``measure`` of a measure value).",
    pattern=UUID_REGEX,
)
_CODE = "$request.path.code"
_FIRST_RETURN = "$response.body#/results/0/code"
_VALUE_LINKS = {
    "GetMeasureValue": {
        "operationId": "returns_measure_values_retrieve",
        "parameters": {"code": _CODE, "measure": "$request.path.measure"},
    },
    "ChangeMeasureValue": {
        "operationId": "returns_measure_values_partial_update",
        "parameters": {"code": _CODE, "measure": "$request.path.measure"},
    },
}


@extend_schema_view(
    list=extend_schema(
        summary="Quarterly returns you can see",
        parameters=_LIST_PARAMETERS,
    ),
    retrieve=extend_schema(summary="A quarterly return with its sections and measure values"),
)
class ReturnViewSet(CapabilityViewSetMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    serializer_class = ReturnSerializer
    # performance.permissions decides, through CapabilityPermission.
    read_rules = (can_view_return,)
    write_rules = (can_view_return, can_edit_return)
    schema_links = {
        "list": {
            "GetReturn": {"operationId": "returns_retrieve", "parameters": {"code": _FIRST_RETURN}},
            "ListMeasureValues": {
                "operationId": "returns_measure_values_list",
                "parameters": {"code": _FIRST_RETURN},
            },
        },
        "retrieve": {
            "ListMeasureValues": {
                "operationId": "returns_measure_values_list",
                "parameters": {"code": _CODE},
            }
        },
        "measure_values": {
            "GetMeasureValue": {
                "operationId": "returns_measure_values_retrieve",
                "parameters": {"code": _CODE, "measure": "$response.body#/0/measure"},
            },
            "ChangeMeasureValue": {
                "operationId": "returns_measure_values_partial_update",
                "parameters": {"code": _CODE, "measure": "$response.body#/0/measure"},
            },
        },
        "measure_value": _VALUE_LINKS,
    }

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ReturnDetailSerializer
        return ReturnSerializer

    def get_queryset(self) -> QuerySet[PerformanceReturn]:
        returns = PerformanceReturn.objects.visible_to(access_for(self.request.user))
        returns = returns.select_related("partnership", "period").order_by(
            "partnership__name", "-period__financial_year", "-period__quarter"
        )
        params = self.request.query_params
        partnership = slug_parameter(self.request, "partnership")
        if partnership:
            returns = returns.filter(partnership__slug=partnership)
        if "period" in params:
            period = (
                parse_period(params["period"])
                if re.search(PERIOD_REGEX, params["period"])  # as JSON Schema's pattern
                else None
            )
            if period is None:
                raise exceptions.ValidationError(
                    {"period": ["Give the quarter as year and quarter, for example 2013-q2."]}
                )
            returns = returns.filter(period__financial_year=period[0], period__quarter=period[1])
        if "status" in params:
            if params["status"] not in PerformanceReturn.Status.values:
                raise exceptions.ValidationError(
                    {"status": [f"Choose one of {', '.join(PerformanceReturn.Status.values)}."]}
                )
            returns = returns.filter(status=params["status"])
        return returns

    def lookup_queryset(self) -> QuerySet[PerformanceReturn]:
        """Every return: CapabilityPermission answers 404 or 403 for one the person may not
        see."""
        returns = PerformanceReturn.objects.select_related("partnership", "period")
        if self.action == "retrieve":
            returns = returns.prefetch_related(_sections_prefetch())
        return returns

    @extend_schema(
        summary="The measure values of a return (all of them: a list, not paginated)",
        responses={200: MeasureValueResultSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="measure-values",
        url_name="measure-values",
        # A return holds one value per measure of its plan: bounded, so one list.
        pagination_class=None,
    )
    def measure_values(self, request: Request, code: str | None = None) -> Response:
        ret = self.get_object()
        values = (
            MeasureValue.objects.filter(section__performance_return=ret)
            .select_related("measure", "section__priority")
            .order_by("section__order", "measure__order", "measure__code")
        )
        return Response(MeasureValueResultSerializer(values, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="One measure value of a return",
        parameters=[_MEASURE_PARAMETER],
        responses={200: MeasureValueResultSerializer},
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Change a measure value of a draft return (officers and managers)",
        description=(
            "JSON only. A partial update: fields you do not send keep their value. "
            "Send the section's ``revision`` to be told (409) if someone saved it since."
        ),
        parameters=[_MEASURE_PARAMETER],
        request=MeasureValueUpdateSerializer,
        responses={
            200: MeasureValueResultSerializer,
            409: OpenApiResponse(
                response=CONFLICT_SCHEMA,
                description=(
                    "Someone saved the section after the revision you sent, or the change "
                    "breaks a rule given what is stored (field errors, as for a 400)."
                ),
            ),
        },
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path=r"measure-values/(?P<measure>[^/]+)",
        url_name="measure-value",
    )
    def measure_value(
        self, request: Request, code: str | None = None, measure: str | None = None
    ) -> Response:
        # GET: read_rules; PATCH: write_rules (CapabilityPermission).
        ret = self.get_object()
        mv = (
            MeasureValue.objects.select_related("measure", "section__priority")
            .filter(section__performance_return=ret, measure__lineage=parse_uuid_or_404(measure))
            .first()
        )
        if mv is None:
            raise exceptions.NotFound("This return has no measure with that id.")
        if request.method == "GET":
            return Response(MeasureValueResultSerializer(mv).data)

        serializer = MeasureValueUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        section = mv.section
        revision = changes.pop("revision", section.revision)
        if not changes:  # a partial update that names nothing changes nothing
            return Response(MeasureValueResultSerializer(mv).data)
        errors = _percentage_errors(mv.measure, changes)
        if errors:
            return _conflict(section, errors)
        try:
            return_section_save(
                section=section,
                revision=revision,
                fields={},
                values={mv.pk: changes},
                by=request.user,
            )
        except ConcurrentEditError as exc:
            return _conflict(section, {"detail": " ".join(exc.messages)})
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc
        except DjangoValidationError as exc:
            return _conflict(section, _field_errors(exc, mv.pk))
        mv = MeasureValue.objects.select_related("measure", "section__priority").get(pk=mv.pk)
        return Response(MeasureValueResultSerializer(mv).data)


def _field_errors(exc: DjangoValidationError, value_id: int) -> dict[str, list[str]]:
    """The service's errors ("value-<id>-<field>" or a section field) by API field name."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    prefix = f"value-{value_id}-"
    errors: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        name = key[len(prefix) :] if key.startswith(prefix) else key
        errors.setdefault(name, []).extend(messages)
    return errors
