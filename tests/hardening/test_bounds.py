"""Every free-text field has a bound, kept by the form (with the GOV.UK character count),
the API, validation and the database (csp_portal/lib/bounds.py)."""

from __future__ import annotations

import inspect
import re

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from rest_framework import serializers

from csp_portal.lib.bounds import (
    COMMENT_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    BoundedTextField,
)
from performance.models import ReturnEvent, ReturnSection
from tests.performance.return_routes import draft_return, submitted_return
from tests.performance.test_api import patch, value_url
from tests.performance.test_return_views import (
    page_url,
    section_form_data,
    section_of,
    signed_in,
    text,
    textarea_value,
)

MEGABYTE = 1024 * 1024


def _portal_models() -> list[type[models.Model]]:
    found = []
    for label in settings.LOCAL_APPS:
        config = apps.get_app_config(label.rsplit(".", 1)[-1])
        # History tables copy what the bounded rows held.
        found += [m for m in config.get_models() if not m.__name__.startswith("Historical")]
    return found


def _length_limits(model: type[models.Model]) -> dict[str, int]:
    """column -> limit, from the model's length CHECK constraints."""
    limits = {}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.CheckConstraint) and constraint.name.endswith(
            "_max_length"
        ):
            condition = constraint.condition
            limits[condition.lhs.source_expressions[0].name] = condition.rhs
    return limits


# The model and the database ---------------------------------------------------------------


def test_every_free_text_field_has_a_bound_the_database_keeps_too():
    text_fields = 0
    for model in _portal_models():
        limits = _length_limits(model)
        for field in model._meta.get_fields():
            if isinstance(field, models.TextField):
                text_fields += 1
                where = f"{model.__name__}.{field.name}"
                assert isinstance(field, BoundedTextField), where
                assert field.max_length, where
                assert limits.get(field.name) == field.max_length, where
            elif isinstance(field, models.CharField):
                assert field.max_length, f"{model.__name__}.{field.name}"
    assert text_fields >= 13


def test_the_database_refuses_a_narrative_written_around_the_model(world):
    section = section_of(draft_return(world))

    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnSection.objects.filter(pk=section.pk).update(summary="x" * MEGABYTE)

    ReturnSection.objects.filter(pk=section.pk).update(summary="x" * NARRATIVE_MAX_LENGTH)


def test_validation_refuses_an_over_long_comment_before_the_database_does(world):
    ret = draft_return(world)
    event = ReturnEvent(performance_return=ret, kind="queried", comment="x" * MEGABYTE)

    with pytest.raises(ValidationError) as refused:
        event.full_clean(exclude=["by", "version"])

    assert list(refused.value.message_dict) == ["comment"]


# The API -------------------------------------------------------------------------------------


def test_a_model_serializer_takes_the_bound_from_the_model():
    class SectionSerializer(serializers.ModelSerializer):
        class Meta:
            model = ReturnSection
            fields = ["summary", "rag_justification"]

    serializer = SectionSerializer(data={"summary": "x" * (NARRATIVE_MAX_LENGTH + 1)})

    assert serializer.fields["summary"].max_length == NARRATIVE_MAX_LENGTH
    assert serializer.fields["rag_justification"].max_length == COMMENT_MAX_LENGTH
    assert not serializer.is_valid()
    assert list(serializer.errors) == ["summary"]


def test_patching_a_too_long_note_is_a_400_naming_the_field(world, client_for):
    ret = draft_return(world)

    response = patch(client_for("officer"), value_url(ret), {"note": "x" * (NOTE_MAX_LENGTH + 1)})

    assert response.status_code == 400
    assert list(response.json()) == ["note"]


# Forms ----------------------------------------------------------------------------------------


def _form_classes() -> list[type[forms.Form]]:
    import accounts.forms
    import performance.forms
    import priorities.forms

    return [
        cls
        for module in (accounts.forms, performance.forms, priorities.forms)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
    ]


def test_every_text_box_on_a_form_has_a_bound():
    boxes = 0
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field.widget, forms.Textarea):
                boxes += 1
                assert getattr(field, "max_length", None), f"{form_class.__name__}.{name}"
    assert boxes >= 10


def _group_of(html: str, field_id: str) -> str:
    """The GOV.UK form group holding the field with this id."""
    match = re.search(
        rf'<div class="govuk-form-group[^"]*"[^>]*>(?:(?!<div class="govuk-form-group).)*?id="{field_id}"'
        r".*?</textarea>.*?</div></div>",
        html,
        re.S,
    )
    assert match, field_id
    return match.group(0)


def test_a_megabyte_narrative_is_refused_next_to_the_field_and_nothing_typed_is_lost(world):
    ret = draft_return(world)
    section = section_of(ret)
    mv = section.values.order_by("measure__order").first()
    client = signed_in(world.person("officer"))
    narrative = "x" * MEGABYTE

    response = client.post(
        page_url("return_section", ret, priority="A"),
        section_form_data(
            section,
            {"(i)": {"value": "42"}},
            summary=narrative,
            milestones_reached="Typed and kept",
            action="later",
        ),
    )

    assert response.status_code == 200
    html = text(response)
    group = _group_of(html, "id_summary")
    assert "govuk-form-group--error" in group
    assert "This must be 10,000 characters or fewer" in group
    assert 'href="#id_summary"' in html  # the error summary links to it
    assert textarea_value(html, "summary") == narrative
    assert textarea_value(html, "milestones_reached") == "Typed and kept"
    assert re.search(rf'name="value-{mv.pk}-value"[^>]*value="42"', html)
    section.refresh_from_db()
    mv.refresh_from_db()
    assert section.summary == ""
    assert section.milestones_reached == ""
    assert mv.value is None


def test_the_narratives_are_gov_uk_character_counts(world):
    ret = draft_return(world)
    client = signed_in(world.person("officer"))

    html = text(client.get(page_url("return_section", ret, priority="A")))

    group = _group_of(html, "id_milestones_reached")
    assert group.startswith(
        '<div class="govuk-form-group govuk-character-count" '
        f'data-module="govuk-character-count" data-maxlength="{NARRATIVE_MAX_LENGTH}">'
    )
    textarea = re.search(r"<textarea[^>]*>", group).group(0)
    assert "govuk-js-character-count" in textarea
    assert 'aria-describedby="id_milestones_reached-info id_milestones_reached-hint"' in textarea
    assert "maxlength" not in textarea  # a browser would cut pasted text short
    assert (
        '<div id="id_milestones_reached-info" class="govuk-hint govuk-character-count__message">'
        "You can enter up to 10,000 characters</div>"
    ) in group
    assert html.count('data-module="govuk-character-count"') == 6  # four questions, two RAG


def test_a_too_long_sign_off_comment_is_refused_and_kept(world):
    ret = submitted_return(world)
    client = signed_in(world.person("manager"))
    comment = "Please look again. " * 400

    response = client.post(
        page_url("return_sign_off", ret), {"decision": "return", "comment": comment}
    )

    assert response.status_code == 200
    html = text(response)
    assert "This must be 5,000 characters or fewer" in _group_of(html, "id_comment")
    assert textarea_value(html, "comment") == comment
    ret.refresh_from_db()
    assert ret.status == ret.Status.SUBMITTED
