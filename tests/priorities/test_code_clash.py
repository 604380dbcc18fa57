"""A priority's (and a measure's) code is unique in its plan (priority) whatever its case,
and the form's clash check is the database constraint's rule: what the form refuses the
database refuses, and the other way round (priorities.forms.refused_by)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from priorities.forms import MeasureForm, PriorityForm
from priorities.models import Measure, Priority
from priorities.selectors import force_area_objectives
from tests.priorities.factories import MeasureFactory, PlanFactory, PriorityFactory

# (the code already there, the code typed). Plain case, then letters whose case rules
# differ between upper- and lower-casing (long s, Kelvin sign, sharp s, dotted I).
PAIRS = [
    ("A", "A"),
    ("A", "a"),
    ("a", "A"),
    ("(i)", "(I)"),
    ("A", "B"),
    ("s", "\u017f"),
    ("k", "\u212a"),
    ("SS", "\u00df"),
    ("i", "\u0130"),
]


def _database_refuses(model, **fields) -> bool:
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def _priority_form(plan, code, instance=None) -> PriorityForm:
    return PriorityForm(
        {"code": code, "title": "Another priority"},
        plan=plan,
        instance=instance,
        organisations=[],
        objectives=force_area_objectives(partnership=plan.partnership),
    )


def _measure_form(priority, code, instance=None) -> MeasureForm:
    data = {
        "code": code,
        "title": "Another measure",
        "unit": "count",
        "polarity": "lower",
        "target_basis": "total",
        "tolerance_percent": "5",
    }
    return MeasureForm(data, priority=priority, instance=instance)


@pytest.mark.parametrize(("existing", "typed"), PAIRS)
def test_the_priority_form_refuses_a_code_exactly_when_the_database_does(db, existing, typed):
    plan = PlanFactory()
    PriorityFactory(plan=plan, code=existing)
    form_refuses = "code" in _priority_form(plan, typed).errors
    assert form_refuses is _database_refuses(Priority, plan=plan, code=typed, title="x")


@pytest.mark.parametrize(("existing", "typed"), PAIRS)
def test_the_measure_form_refuses_a_code_exactly_when_the_database_does(db, existing, typed):
    priority = PriorityFactory()
    MeasureFactory(priority=priority, code=existing)
    form_refuses = "code" in _measure_form(priority, typed).errors
    assert form_refuses is _database_refuses(Measure, priority=priority, code=typed, title="x")


def test_codes_differing_only_in_case_are_the_same_code(db):
    plan = PlanFactory()
    PriorityFactory(plan=plan, code="A")
    assert _priority_form(plan, "a").errors["code"] == [
        "The plan already has a priority a. Use another code"
    ]
    assert _database_refuses(Priority, plan=plan, code="a", title="x")
    # The service's full_clean asks the same constraint, so the API says so too.
    with pytest.raises(ValidationError, match="already has a priority with this code"):
        Priority(plan=plan, code="a", title="x").full_clean()


def test_the_same_code_is_free_in_another_plan_or_priority(db):
    priority = PriorityFactory(code="A")
    MeasureFactory(priority=priority, code="(i)")
    assert _priority_form(PlanFactory(), "a").is_valid()
    assert _measure_form(PriorityFactory(plan=priority.plan, code="B"), "(I)").is_valid()


def test_a_priority_or_measure_keeps_its_own_code_in_another_case(db):
    priority = PriorityFactory(code="A")
    measure = MeasureFactory(priority=priority, code="(i)")
    assert _priority_form(priority.plan, "a", instance=priority).is_valid()
    assert _measure_form(priority, "(I)", instance=measure).is_valid()
    # But not the code of another one.
    PriorityFactory(plan=priority.plan, code="B")
    assert "code" in _priority_form(priority.plan, "b", instance=priority).errors
