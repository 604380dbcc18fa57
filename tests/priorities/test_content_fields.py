"""An action's fields are listed once (Action.CONTENT_FIELDS, Action.PROGRESS_FIELDS, like
Measure.CONTENT_FIELDS), and the form, the progress form and the yearly refresh all use
that list: a field added to it reaches all of them."""

from __future__ import annotations

import datetime as dt

from priorities.forms import ActionForm, ActionProgressForm
from priorities.models import Action
from priorities.services import plan_refresh
from tests.partnerships.factories import BoardFactory, OrganisationFactory
from tests.performance.builders import adopted_plan
from tests.priorities.factories import ActionFactory


def test_the_progress_fields_are_content_fields():
    assert set(Action.PROGRESS_FIELDS) <= set(Action.CONTENT_FIELDS)
    assert all(Action._meta.get_field(name) for name in Action.CONTENT_FIELDS)


def test_the_action_form_gives_the_service_every_content_field(db):
    organisation = OrganisationFactory()
    data = {
        "description": "Implement improvements to the MARAC process",
        "lead": f"org:{organisation.pk}",
        "lead_text": "",
        "deadline_text": "Quarterly",
        "status": "in_progress",
        "rag": "green",
    }
    form = ActionForm(data, organisations=[organisation], boards=[])
    assert form.is_valid(), form.errors
    assert tuple(form.action_data()) == Action.CONTENT_FIELDS
    assert form.action_data()["lead_organisation"] == organisation


def test_the_progress_form_gives_the_service_the_progress_fields():
    form = ActionProgressForm({"status": "in_progress", "rag": "amber", "progress_note": "Two"})
    assert form.is_valid(), form.errors
    assert tuple(form.progress_data()) == Action.PROGRESS_FIELDS


def test_the_yearly_refresh_copies_every_content_field_of_an_action(world):
    plan = adopted_plan(world.home, priorities=1, measures=0)
    action = ActionFactory(
        priority=plan.priorities.get(),
        description="Set up a MARAC steering group",
        lead_organisation=OrganisationFactory(),
        lead_board=BoardFactory(partnership=world.home),
        lead_text="DA Board",
        deadline_date=dt.date(2016, 3, 31),
        deadline_text="March 2016",
        status=Action.Status.IN_PROGRESS,
        rag=Action.Rag.AMBER,
        progress_note="Terms of reference agreed",
        order=3,
    )
    new = plan_refresh(plan=plan, by=world.person("manager"))
    copy = Action.objects.get(priority__plan=new)
    for name in Action.CONTENT_FIELDS:
        assert getattr(copy, name) == getattr(action, name), name
    assert copy.order == 3
    assert copy.code != action.code
