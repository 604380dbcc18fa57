"""Read-only API for plans, priorities, actions and measures (/api/v1/…).

Lists hold only what the person may read (selectors narrow them with the access helper:
drafts only for those who may see working papers). A detail the person may not read
answers as the pages do: 404 if they have no standing in the partnership, 403 if they
do. Filters: ``?partnership=<slug>`` and ``?plan=<plan code>``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, viewsets

from csp_portal.lib.api import SLUG_REGEX, UUID_REGEX, CapabilityViewSetMixin, slug_parameter
from priorities import api_examples as examples
from priorities import selectors
from priorities.models import Action, Measure, MeasureTarget, Plan, Priority
from priorities.permissions import can_view_plan

# Serializers: thin, read-only -------------------------------------------------------


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An adopted plan",
            value=examples.AN_ADOPTED_PLAN,
            response_only=True,
        )
    ]
)
class PlanSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)
    adopted_by = serializers.CharField(
        source="adopted_by.name", read_only=True, default=None, allow_null=True
    )
    previous = serializers.UUIDField(
        source="previous.code", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Plan
        fields = [
            "code",
            "partnership",
            "title",
            "first_year",
            "last_year",
            "period",
            "version",
            "previous",
            "status",
            "summary",
            "adopted_on",
            "adopted_by",
        ]
        read_only_fields = fields


class ObjectiveSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A priority",
            value=examples.A_PRIORITY,
            response_only=True,
        )
    ]
)
class PrioritySerializer(serializers.ModelSerializer):
    plan = serializers.UUIDField(source="plan.code", read_only=True)
    partnership = serializers.CharField(source="plan.partnership.slug", read_only=True)
    sponsor = serializers.CharField(
        source="sponsor.name", read_only=True, default=None, allow_null=True
    )
    objectives = ObjectiveSerializer(many=True, read_only=True)

    class Meta:
        model = Priority
        fields = [
            "uid",
            "code",
            "title",
            "description",
            "plan",
            "partnership",
            "sponsor",
            "lead_officer",
            "objectives",
            "order",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An action",
            value=examples.AN_ACTION,
            response_only=True,
        )
    ]
)
class ActionSerializer(serializers.ModelSerializer):
    priority = serializers.UUIDField(source="priority.uid", read_only=True)
    priority_code = serializers.CharField(source="priority.code", read_only=True)
    plan = serializers.UUIDField(source="priority.plan.code", read_only=True)
    partnership = serializers.CharField(source="priority.plan.partnership.slug", read_only=True)
    lead = serializers.CharField(source="lead_display", read_only=True)
    lead_organisation = serializers.CharField(
        source="lead_organisation.name", read_only=True, default=None, allow_null=True
    )
    lead_board = serializers.CharField(
        source="lead_board.name", read_only=True, default=None, allow_null=True
    )
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "code",
            "priority",
            "priority_code",
            "plan",
            "partnership",
            "description",
            "lead",
            "lead_organisation",
            "lead_board",
            "lead_text",
            "deadline_date",
            "deadline_text",
            "status",
            "rag",
            "progress_note",
            "completed_on",
            "is_overdue",
        ]
        read_only_fields = fields

    def get_is_overdue(self, action: Action) -> bool:
        return action.is_overdue()


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeasureTarget
        fields = ["financial_year", "period", "value"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A measure",
            value=examples.A_MEASURE,
            response_only=True,
        )
    ]
)
class MeasureSerializer(serializers.ModelSerializer):
    priority = serializers.UUIDField(source="priority.uid", read_only=True)
    priority_code = serializers.CharField(source="priority.code", read_only=True)
    plan = serializers.UUIDField(source="priority.plan.code", read_only=True)
    partnership = serializers.CharField(source="priority.plan.partnership.slug", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "uid",
            "lineage",
            "code",
            "title",
            "priority",
            "priority_code",
            "plan",
            "partnership",
            "target_text",
            "unit",
            "polarity",
            "target_basis",
            "baseline_value",
            "baseline_label",
            "baseline_date",
            "tolerance_percent",
            "national_comparator",
            "national_comparator_label",
            "data_owner",
            "targets",
        ]
        read_only_fields = fields


# Viewsets ----------------------------------------------------------------------------


def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value).strip())
    except ValueError as exc:
        raise exceptions.ValidationError({what: [f"Enter a valid {what} code."]}) from exc


_FILTERS = extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "partnership",
                str,
                description="Only this partnership (its slug).",
                pattern=SLUG_REGEX,
            ),
            OpenApiParameter(
                "plan", uuid.UUID, description="Only this plan (its code).", pattern=UUID_REGEX
            ),
        ]
    )
)


def _links(basename: str, lookup: str) -> dict[str, dict[str, Any]]:
    """From a list to the detail of its first row (schemathesis follows these)."""
    return {
        "list": {
            f"Get{basename.title()}": {
                "operationId": f"{basename}_retrieve",
                "parameters": {lookup: f"$response.body#/results/0/{lookup}"},
            }
        }
    }


class _PlanContentViewSet(CapabilityViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Shared by the four endpoints: narrowing and filters. A detail is looked up among
    all objects and CapabilityPermission answers 404 or 403 with can_view_plan's reason."""

    # Path from the model to its plan ("" for Plan itself).
    plan_path = ""
    selector: Any = None
    read_rules = (can_view_plan,)

    def _plan_field(self, name: str) -> str:
        return f"{self.plan_path}__{name}" if self.plan_path else name

    def get_queryset(self) -> QuerySet:
        queryset = type(self).selector(user=self.request.user)
        params = self.request.query_params
        partnership = slug_parameter(self.request, "partnership")
        if partnership:
            queryset = queryset.filter(**{self._plan_field("partnership__slug"): partnership})
        if "plan" in params:
            queryset = queryset.filter(**{self._plan_field("code"): _uuid(params["plan"], "plan")})
        return queryset

    def access_subject(self, obj: Any) -> Plan:
        for part in self.plan_path.split("__") if self.plan_path else []:
            obj = getattr(obj, part)
        return obj

    def lookup_queryset(self) -> QuerySet:
        model = self.get_serializer_class().Meta.model
        return model.objects.select_related(self._plan_field("partnership__force_area"))

    def get_object(self) -> Any:
        obj = super().get_object()
        # Read it again through the selector, so the detail is serialised from the same
        # pre-joined queryset as the list.
        try:
            return self.get_queryset().get(pk=obj.pk)
        except obj.DoesNotExist as exc:  # filtered out by ?partnership= or ?plan=
            raise exceptions.NotFound() from exc


@_FILTERS
class PlanViewSet(_PlanContentViewSet):
    """Plans the person may read: adopted and earlier versions, and drafts for members."""

    serializer_class = PlanSerializer
    lookup_field = "code"
    selector = staticmethod(selectors.plans_for_user)
    schema_links = {
        **_links("plans", "code"),
        "retrieve": {
            "ListPriorities": {
                "operationId": "priorities_list",
                "parameters": {"plan": "$response.body#/code"},
            },
            "ListMeasures": {
                "operationId": "measures_list",
                "parameters": {"plan": "$response.body#/code"},
            },
        },
    }


@_FILTERS
class PriorityViewSet(_PlanContentViewSet):
    """Priorities of the plans the person may read, with their Police and Crime Plan
    objectives."""

    serializer_class = PrioritySerializer
    lookup_field = "uid"
    plan_path = "plan"
    selector = staticmethod(selectors.priorities_for_user)
    schema_links = _links("priorities", "uid")


@_FILTERS
class ActionViewSet(_PlanContentViewSet):
    """Actions of the plans the person may read."""

    serializer_class = ActionSerializer
    lookup_field = "code"
    plan_path = "priority__plan"
    selector = staticmethod(selectors.actions_for_user)
    schema_links = _links("actions", "code")


@_FILTERS
class MeasureViewSet(_PlanContentViewSet):
    """Measures of the plans the person may read, with their targets."""

    serializer_class = MeasureSerializer
    lookup_field = "uid"
    plan_path = "priority__plan"
    selector = staticmethod(selectors.measures_for_user)
    schema_links = _links("measures", "uid")
