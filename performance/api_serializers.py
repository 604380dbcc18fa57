"""Serializers of /api/v1/returns/ (thin, read-only but for the measure-value change)
and the schema's one "Rag" component. The viewset is in performance/api.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from csp_portal.lib.api import (
    ClosedSerializerMixin,
    StrictBooleanField,
    StrictCharField,
    StrictDecimalField,
    StrictIntegerField,
)
from csp_portal.lib.bounds import NOTE_MAX_LENGTH
from performance import api_examples as examples
from performance.models import MeasureValue, PerformanceReturn, Rag, ReturnSection
from priorities.models import Measure

if TYPE_CHECKING:
    from partnerships.models import Partnership

# Serializers ------------------------------------------------------------------------


class RagField(serializers.ChoiceField):
    """A traffic light: red, amber, green, or empty when not rated."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[*Rag.choices, ("", "Not rated")], **kwargs)


class RagFieldExtension(OpenApiSerializerFieldExtension):
    """Every RAG field refers to one "Rag" schema, instead of an enum per field name."""

    target_class = RagField

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name="Rag",
            type=ResolvedComponent.SCHEMA,
            object="Rag",
            schema={
                "type": "string",
                "enum": [*Rag.values, ""],
                "description": "A traffic light: red, amber or green; empty when not rated.",
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class MeasureValueSerializer(serializers.ModelSerializer):
    measure = serializers.UUIDField(
        source="measure.lineage",
        read_only=True,
        help_text="The measure's id: the same in every version of the plan. Use it in the measure value's URL.",
    )
    measure_code = serializers.CharField(source="measure.code", read_only=True)
    measure_title = serializers.CharField(source="measure.title", read_only=True)
    unit = serializers.ChoiceField(
        source="measure.unit", choices=Measure.Unit.choices, read_only=True
    )
    polarity = serializers.ChoiceField(
        source="measure.polarity", choices=Measure.Polarity.choices, read_only=True
    )
    calculated_rag = RagField(read_only=True)

    class Meta:
        model = MeasureValue
        fields = [
            "measure",
            "measure_code",
            "measure_title",
            "unit",
            "polarity",
            "value",
            "ytd_value",
            "target",
            "national_comparator",
            "note",
            "no_data",
            "no_data_reason",
            "calculated_rag",
            "direction",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A measure value",
            value=examples.A_MEASURE_VALUE,
            response_only=True,
        )
    ]
)
class MeasureValueResultSerializer(MeasureValueSerializer):
    """A measure value with its section's revision and suggested RAG (after a write)."""

    priority_code = serializers.CharField(source="section.priority.code", read_only=True)
    section_revision = serializers.IntegerField(
        source="section.revision",
        read_only=True,
        help_text="Send this as ``revision`` with your next change to this section.",
    )
    section_suggested_rag = RagField(
        source="section.suggested_rag",
        read_only=True,
        help_text="What the section's measures now suggest.",
    )

    class Meta(MeasureValueSerializer.Meta):
        fields = [
            "priority_code",
            *MeasureValueSerializer.Meta.fields,
            "section_revision",
            "section_suggested_rag",
        ]
        read_only_fields = fields


class ReturnSectionSerializer(serializers.ModelSerializer):
    priority_code = serializers.CharField(source="priority.code", read_only=True)
    priority_title = serializers.CharField(source="priority.title", read_only=True)
    measure_values = MeasureValueSerializer(source="values", many=True, read_only=True)
    assessed_rag = RagField(read_only=True, help_text="The officer's overall assessment.")
    suggested_rag = RagField(read_only=True, help_text="What the measures suggest.")

    class Meta:
        model = ReturnSection
        fields = [
            "priority_code",
            "priority_title",
            "sponsor",
            "lead_officer",
            "summary",
            "milestones_reached",
            "milestones_missed",
            "prospects",
            "assessed_rag",
            "rag_statement",
            "rag_justification",
            "suggested_rag",
            "revision",
            "measure_values",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A draft return",
            value=examples.A_DRAFT_RETURN,
            response_only=True,
        )
    ]
)
class ReturnSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:return-detail", lookup_field="code", read_only=True
    )
    partnership: serializers.SlugRelatedField[Partnership] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    partnership_name = serializers.CharField(source="partnership.name", read_only=True)
    period = serializers.CharField(
        source="period.slug", read_only=True, help_text="The quarter, for example 2013-q2."
    )
    period_label = serializers.CharField(source="period.label", read_only=True)
    submission_deadline = serializers.DateField(source="period.submission_deadline", read_only=True)
    queried = serializers.SerializerMethodField(
        help_text="Reopened by a query from the PCC office, not yet approved again."
    )

    class Meta:
        model = PerformanceReturn
        fields = [
            "url",
            "code",
            "partnership",
            "partnership_name",
            "period",
            "period_label",
            "submission_deadline",
            "status",
            "queried",
            "submitted_at",
            "approved_at",
        ]
        read_only_fields = fields

    def get_queried(self, obj: PerformanceReturn) -> bool:
        return obj.open_query_id is not None


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A draft return",
            value=examples.A_DRAFT_RETURN_3,
            response_only=True,
        )
    ]
)
class ReturnDetailSerializer(ReturnSerializer):
    sections = ReturnSectionSerializer(many=True, read_only=True)

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields, "sections"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        OpenApiExample("A value", value=examples.A_VALUE, request_only=True),
        OpenApiExample(
            "No data",
            value=examples.NO_DATA,
            request_only=True,
        ),
    ]
)
class MeasureValueUpdateSerializer(ClosedSerializerMixin, serializers.Serializer):
    """The fields an officer may change; send only those you change."""

    value = StrictDecimalField(allow_null=True, required=False)
    ytd_value = StrictDecimalField(allow_null=True, required=False)
    national_comparator = StrictDecimalField(allow_null=True, required=False)
    note = StrictCharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False)
    no_data = StrictBooleanField(required=False)
    no_data_reason = StrictCharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False)
    revision = StrictIntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The section revision your change is based on; omit to use the current one.",
    )
