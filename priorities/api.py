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
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, viewsets

from csp_portal.lib.access import access_for
from priorities import selectors
from priorities.models import Action, Measure, MeasureTarget, Plan, Priority
from priorities.permissions import can_view_plan

# Serializers: thin, read-only -------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)
    adopted_by = serializers.CharField(source="adopted_by.name", read_only=True, default=None)
    previous = serializers.UUIDField(source="previous.code", read_only=True, default=None)

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


class PrioritySerializer(serializers.ModelSerializer):
    plan = serializers.UUIDField(source="plan.code", read_only=True)
    partnership = serializers.CharField(source="plan.partnership.slug", read_only=True)
    sponsor = serializers.CharField(source="sponsor.name", read_only=True, default=None)
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


class ActionSerializer(serializers.ModelSerializer):
    priority = serializers.UUIDField(source="priority.uid", read_only=True)
    priority_code = serializers.CharField(source="priority.code", read_only=True)
    plan = serializers.UUIDField(source="priority.plan.code", read_only=True)
    partnership = serializers.CharField(source="priority.plan.partnership.slug", read_only=True)
    lead = serializers.CharField(source="lead_display", read_only=True)
    lead_organisation = serializers.CharField(
        source="lead_organisation.name", read_only=True, default=None
    )
    lead_board = serializers.CharField(source="lead_board.name", read_only=True, default=None)
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
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise exceptions.ValidationError({what: [f"Enter a valid {what} code."]}) from exc


_FILTERS = extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("partnership", str, description="Only this partnership (its slug)."),
            OpenApiParameter("plan", uuid.UUID, description="Only this plan (its code)."),
        ]
    )
)


class _PlanContentViewSet(viewsets.ReadOnlyModelViewSet):
    """Shared by the four endpoints: narrowing, filters and the 403/404 of a detail."""

    # Path from the model to its plan ("" for Plan itself).
    plan_path = ""
    selector: Any = None

    def _plan_field(self, name: str) -> str:
        return f"{self.plan_path}__{name}" if self.plan_path else name

    def get_queryset(self) -> QuerySet:
        queryset = type(self).selector(user=self.request.user)
        params = self.request.query_params
        if params.get("partnership"):
            queryset = queryset.filter(
                **{self._plan_field("partnership__slug"): params["partnership"]}
            )
        if params.get("plan"):
            queryset = queryset.filter(**{self._plan_field("code"): _uuid(params["plan"], "plan")})
        return queryset

    def _plan_of(self, obj: Any) -> Plan:
        for part in self.plan_path.split("__") if self.plan_path else []:
            obj = getattr(obj, part)
        return obj

    def get_object(self) -> Any:
        try:
            lookup = uuid.UUID(str(self.kwargs[self.lookup_field]))
        except ValueError as exc:
            raise exceptions.NotFound() from exc
        model = self.get_serializer_class().Meta.model
        related = self._plan_field("partnership__force_area")
        try:
            obj = model.objects.select_related(related).get(**{self.lookup_field: lookup})
        except model.DoesNotExist as exc:
            raise exceptions.NotFound() from exc
        plan = self._plan_of(obj)
        if not access_for(self.request.user).has_standing(plan.partnership):
            raise exceptions.NotFound()
        decision = can_view_plan(self.request.user, plan)
        if not decision:
            raise exceptions.PermissionDenied(decision.reason)
        # Read it again through the selector, so the detail is serialised from the same
        # pre-joined queryset as the list.
        try:
            return self.get_queryset().get(pk=obj.pk)
        except model.DoesNotExist as exc:  # filtered out by ?partnership= or ?plan=
            raise exceptions.NotFound() from exc


@_FILTERS
class PlanViewSet(_PlanContentViewSet):
    """Plans the person may read: adopted and earlier versions, and drafts for members."""

    serializer_class = PlanSerializer
    lookup_field = "code"
    selector = staticmethod(selectors.plans_for_user)


@_FILTERS
class PriorityViewSet(_PlanContentViewSet):
    """Priorities of the plans the person may read, with their Police and Crime Plan
    objectives."""

    serializer_class = PrioritySerializer
    lookup_field = "uid"
    plan_path = "plan"
    selector = staticmethod(selectors.priorities_for_user)


@_FILTERS
class ActionViewSet(_PlanContentViewSet):
    """Actions of the plans the person may read."""

    serializer_class = ActionSerializer
    lookup_field = "code"
    plan_path = "priority__plan"
    selector = staticmethod(selectors.actions_for_user)


@_FILTERS
class MeasureViewSet(_PlanContentViewSet):
    """Measures of the plans the person may read, with their targets."""

    serializer_class = MeasureSerializer
    lookup_field = "uid"
    plan_path = "priority__plan"
    selector = staticmethod(selectors.measures_for_user)
