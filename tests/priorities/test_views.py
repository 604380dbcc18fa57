"""The plan pages: what they show, the forms that shape a draft, adoption, the yearly
refresh, action progress after adoption, and the plan on a page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from priorities.models import Action, Measure, MeasureTarget, Plan, Priority
from priorities.services import action_update
from tests.partnerships.factories import BoardFactory, MembershipFactory, OrganisationFactory
from tests.performance.builders import adopted_plan
from tests.priorities.factories import (
    ActionFactory,
    MeasureFactory,
    MeasureTargetFactory,
    PlanFactory,
    PriorityFactory,
)

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


def url(name, world, **kwargs):
    return reverse(f"plans:{name}", kwargs={"partnership": world.home.slug, **kwargs})


def text(response):
    return response.content.decode()


@pytest.fixture
def objectives(world):
    from partnerships.models import PoliceAndCrimeObjective

    return [
        PoliceAndCrimeObjective.objects.create(
            force_area=world.area, code="1", title="Sustain and improve local policing", order=1
        ),
        PoliceAndCrimeObjective.objects.create(
            force_area=world.area,
            code="2",
            title="Support victims and reduce vulnerability",
            order=2,
        ),
        # Another force area's objective is never offered.
        PoliceAndCrimeObjective.objects.create(
            force_area=world.other_area, code="9", title="Thames Valley objective", order=1
        ),
    ]


@pytest.fixture
def members(world):
    police = OrganisationFactory(name="Norfolk Constabulary")
    council = OrganisationFactory(name="Norfolk County Council")
    MembershipFactory(partnership=world.home, organisation=police)
    MembershipFactory(partnership=world.home, organisation=council)
    board = BoardFactory(partnership=world.home, name="Domestic Abuse Board")
    stranger = OrganisationFactory(name="Thames Valley Police")
    MembershipFactory(partnership=world.away, organisation=stranger)
    return {"police": police, "council": council, "board": board, "stranger": stranger}


@pytest.fixture
def draft(world):
    return PlanFactory(partnership=world.home, version=1, first_year=2013, last_year=2015)


# The partnership's plans ---------------------------------------------------------------


def test_it_lists_the_current_plan_the_draft_and_earlier_versions(world, client_for):
    old = PlanFactory(
        partnership=world.home, version=1, status=Plan.Status.SUPERSEDED, title="Plan 2010 to 2013"
    )
    current = PlanFactory(
        partnership=world.home,
        version=2,
        status=Plan.Status.ADOPTED,
        title="Plan 2013 to 2016",
        adopted_on=dt.date(2013, 6, 21),
    )
    PlanFactory(partnership=world.home, version=3, title="Plan 2014 to 2017")
    page = text(client_for("officer").get(url("list", world)))
    assert "Plan 2013 to 2016" in page
    assert "21 June 2013" in page
    assert "Plan 2014 to 2017" in page
    assert "Earlier versions" in page
    assert (
        reverse("plans:detail", kwargs={"partnership": world.home.slug, "code": old.code}) in page
    )
    assert current.title in page


def test_it_hides_the_draft_from_the_list_for_people_without_working_papers(world, client_for):
    PlanFactory(partnership=world.home, version=1, status=Plan.Status.ADOPTED, title="Adopted plan")
    PlanFactory(partnership=world.home, version=2, title="Secret draft")
    for persona in ("scrutiny", "pcc_reviewer", "panel_member"):
        page = text(client_for(persona).get(url("list", world)))
        assert "Adopted plan" in page
        assert "Secret draft" not in page


def test_it_offers_draft_a_plan_and_the_refresh_to_the_right_people(world, client_for):
    adopted_plan(world.home)
    officer = text(client_for("officer").get(url("list", world)))
    manager = text(client_for("manager").get(url("list", world)))
    scrutiny = text(client_for("scrutiny").get(url("list", world)))
    assert "Draft a plan" in officer
    assert "Refresh the plan for next year" not in officer
    assert "Draft a plan" in manager
    assert "Refresh the plan for next year" in manager
    assert "Draft a plan" not in scrutiny
    assert "Refresh the plan for next year" not in scrutiny


def test_it_does_not_offer_a_second_draft(world, client_for, draft):
    page = text(client_for("officer").get(url("list", world)))
    assert "Draft a plan" not in page
    assert client_for("officer").get(url("create", world)).status_code == 403


def test_it_adds_plan_to_the_partnership_navigation(world, client_for):
    page = text(client_for("scrutiny").get(reverse("partnerships:detail", args=[world.home.slug])))
    assert f'href="{url("list", world)}"' in page


# Drafting a plan -----------------------------------------------------------------------


def test_it_drafts_a_plan(world, client_for):
    response = client_for("officer").post(
        url("create", world),
        {
            "title": "Community Safety Plan 2017 to 2020",
            "first_year": "2017/18",
            "last_year": "2019/20",
        },
    )
    plan = Plan.objects.get(partnership=world.home)
    assert response.status_code == 302
    assert response["Location"] == url("detail", world, code=plan.code)
    assert (plan.status, plan.first_year, plan.last_year, plan.version) == (
        Plan.Status.DRAFT,
        2017,
        2019,
        1,
    )


def test_it_keeps_what_was_typed_when_the_plan_form_has_errors(world, client_for):
    response = client_for("officer").post(
        url("create", world), {"title": "", "first_year": "2017/19", "last_year": "2016/17"}
    )
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_title">Enter the title of the plan' in page
    assert 'id="id_first_year-error"' in page
    assert "must be two years in a row" in page
    assert 'value="2017/19"' in page
    assert 'value="2016/17"' in page
    assert page.count("<title>Error:") == 1
    assert not Plan.objects.exists()


def test_it_refuses_a_last_year_before_the_first(world, client_for):
    response = client_for("officer").post(
        url("create", world), {"title": "Plan", "first_year": "2017/18", "last_year": "2016/17"}
    )
    assert "The last financial year must be the same as or after the first" in text(response)
    assert not Plan.objects.exists()


def test_it_changes_a_draft_plan(world, client_for, draft):
    response = client_for("officer").post(
        url("edit", world, code=draft.code),
        {"title": "Renamed plan", "first_year": "2013", "last_year": "2016/17", "summary": "Why"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.last_year, draft.summary) == ("Renamed plan", 2016, "Why")


def test_narrowing_a_plans_years_removes_the_targets_of_the_years_dropped(world, client_for, draft):
    measure = MeasureFactory(priority=PriorityFactory(plan=draft))
    kept = MeasureTargetFactory(measure=measure, financial_year=2014, period="year")
    for year in (2013, 2015):
        MeasureTargetFactory(measure=measure, financial_year=year, period="year")
    officer = world.person("officer")

    response = client_for("officer").post(
        url("edit", world, code=draft.code),
        {"title": draft.title, "first_year": "2014/15", "last_year": "2014/15", "summary": ""},
        follow=True,
    )

    assert list(MeasureTarget.objects.filter(measure=measure)) == [kept]
    assert "2 targets for years the plan no longer covers were removed" in text(response)
    deletions = MeasureTarget.history.filter(history_type="-", measure_id=measure.pk)
    assert {(h.financial_year, h.history_user) for h in deletions} == {
        (2013, officer),
        (2015, officer),
    }


def test_it_shows_the_plan_form_filled_in_with_financial_years(world, client_for, draft):
    page = text(client_for("officer").get(url("edit", world, code=draft.code)))
    assert 'value="2013/14"' in page
    assert 'value="2015/16"' in page


def test_it_deletes_a_draft_only_after_confirmation(world, client_for, draft):
    client = client_for("officer")
    page = text(client.get(url("delete", world, code=draft.code)))
    assert "Delete the draft" in page
    assert Plan.objects.filter(pk=draft.pk).exists()
    response = client.post(url("delete", world, code=draft.code))
    assert response["Location"] == url("list", world)
    assert not Plan.objects.filter(pk=draft.pk).exists()


# Priorities ----------------------------------------------------------------------------


def test_it_adds_a_priority_with_its_sponsor_and_objectives(
    world, client_for, draft, objectives, members
):
    client = client_for("officer")
    form_page = text(client.get(url("priority_create", world, code=draft.code)))
    assert "Sustain and improve local policing" in form_page
    assert "Thames Valley objective" not in form_page
    assert "Norfolk Constabulary" in form_page
    assert "Thames Valley Police" not in form_page
    response = client.post(
        url("priority_create", world, code=draft.code),
        {
            "code": "A",
            "title": "Reduce the incidence of crime and ASB",
            "sponsor": members["police"].pk,
            "lead_officer": "ACC Jo Sample",
            "objectives": [objectives[0].pk, objectives[1].pk],
        },
    )
    priority = draft.priorities.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#priority-{priority.uid}")
    assert priority.sponsor == members["police"]
    assert set(priority.objectives.all()) == {objectives[0], objectives[1]}


def test_it_refuses_a_sponsor_that_is_not_a_member(world, client_for, draft, members):
    response = client_for("officer").post(
        url("priority_create", world, code=draft.code),
        {"code": "A", "title": "Priority", "sponsor": members["stranger"].pk},
    )
    assert 'href="#id_sponsor">Choose a sponsor agency from the list' in text(response)
    assert not draft.priorities.exists()


def test_it_refuses_a_duplicate_priority_code_next_to_the_field(world, client_for, draft):
    PriorityFactory(plan=draft, code="A")
    response = client_for("officer").post(
        url("priority_create", world, code=draft.code), {"code": "a", "title": "Typed title"}
    )
    page = text(response)
    assert 'href="#id_code">The plan already has a priority a. Use another code' in page
    assert 'id="id_code-error"' in page
    assert "Typed title" in page
    assert draft.priorities.count() == 1


def test_it_changes_a_priority_and_its_objectives(world, client_for, draft, objectives):
    priority = PriorityFactory(plan=draft, code="A")
    priority.objectives.set([objectives[0]])
    client = client_for("officer")
    assert "checked" in text(client.get(url("priority_edit", world, uid=priority.uid)))
    client.post(
        url("priority_edit", world, uid=priority.uid),
        {"code": "A", "title": "New title", "objectives": [objectives[1].pk]},
    )
    priority.refresh_from_db()
    assert priority.title == "New title"
    assert list(priority.objectives.all()) == [objectives[1]]


def test_it_deletes_a_priority_after_confirmation(world, client_for, draft):
    priority = PriorityFactory(plan=draft, code="A")
    client = client_for("officer")
    assert client.get(url("priority_delete", world, uid=priority.uid)).status_code == 200
    assert Priority.objects.filter(pk=priority.pk).exists()
    client.post(url("priority_delete", world, uid=priority.uid))
    assert not Priority.objects.filter(pk=priority.pk).exists()


# Measures and targets ------------------------------------------------------------------

MEASURE = {
    "code": "(i)",
    "title": "Number of priority crimes",
    "target_text": "Reduce priority crime by 2.5%",
    "unit": "count",
    "polarity": "lower",
    "target_basis": "total",
    "baseline_value": "4,585",
    "baseline_label": "2012/13",
    "baseline_date_day": "31",
    "baseline_date_month": "3",
    "baseline_date_year": "2013",
    "tolerance_percent": "5",
    "national_comparator": "4,200",
    "national_comparator_label": "England and Wales average",
    "data_owner": "Norfolk Constabulary",
}


def test_it_adds_a_measure_and_goes_on_to_its_targets(world, client_for, draft):
    priority = PriorityFactory(plan=draft, code="A")
    response = client_for("officer").post(url("measure_create", world, uid=priority.uid), MEASURE)
    measure = priority.measures.get()
    assert response["Location"] == url("measure_targets", world, uid=measure.uid)
    assert measure.baseline_value == Decimal("4585")
    assert measure.baseline_date == dt.date(2013, 3, 31)
    assert measure.national_comparator == Decimal("4200")
    assert measure.polarity == Measure.Polarity.LOWER_IS_BETTER


def test_it_keeps_measure_input_and_shows_errors_next_to_fields(world, client_for, draft):
    priority = PriorityFactory(plan=draft, code="A")
    bad = MEASURE | {
        "baseline_value": "lots",
        "baseline_date_day": "31",
        "baseline_date_month": "2",
        "tolerance_percent": "150",
        "unit": "",
    }
    page = text(client_for("officer").post(url("measure_create", world, uid=priority.uid), bad))
    assert "Enter the baseline as a number" in page
    assert 'id="id_baseline_date-error"' in page
    assert "Enter a real date" in page
    assert "The Amber tolerance must be 100 or less" in page
    assert "Choose the unit" in page
    assert 'value="lots"' in page
    assert 'value="England and Wales average"' in page
    assert not priority.measures.exists()


def test_it_sets_yearly_and_quarterly_targets_for_every_year_of_the_plan(world, client_for, draft):
    measure = MeasureFactory(priority=PriorityFactory(plan=draft, code="A"))
    client = client_for("officer")
    page = text(client.get(url("measure_targets", world, uid=measure.uid)))
    for label in ("2013/14", "2014/15", "2015/16"):
        assert label in page
    assert "2016/17" not in page
    response = client.post(
        url("measure_targets", world, uid=measure.uid),
        {"y2013_year": "4,585", "y2013_q1": "2274", "y2013_q2": "1100", "y2015_q4": "12.5"},
    )
    assert response.status_code == 302
    targets = {(t.financial_year, t.period): t.value for t in measure.targets.all()}
    assert targets == {
        (2013, "year"): Decimal("4585"),
        (2013, "q1"): Decimal("2274"),
        (2013, "q2"): Decimal("1100"),
        (2015, "q4"): Decimal("12.5"),
    }


def test_it_removes_a_target_left_empty(world, client_for, draft):
    measure = MeasureFactory(priority=PriorityFactory(plan=draft, code="A"))
    MeasureTargetFactory(measure=measure, financial_year=2013, period="q1", value=Decimal(10))
    MeasureTargetFactory(measure=measure, financial_year=2014, period="year", value=Decimal(40))
    client = client_for("officer")
    page = text(client.get(url("measure_targets", world, uid=measure.uid)))
    assert 'name="y2013_q1" value="10"' in page
    client.post(url("measure_targets", world, uid=measure.uid), {"y2014_year": "40"})
    assert [(t.financial_year, t.period) for t in measure.targets.all()] == [(2014, "year")]


def test_it_saves_no_target_when_one_is_not_a_number_and_keeps_them_all(world, client_for, draft):
    measure = MeasureFactory(priority=PriorityFactory(plan=draft, code="A"))
    response = client_for("officer").post(
        url("measure_targets", world, uid=measure.uid), {"y2013_year": "4585", "y2014_q3": "ten"}
    )
    page = text(response)
    assert 'href="#id_y2014_q3">Enter the 2014/15 Q3 target as a number' in page
    assert 'value="4585"' in page
    assert 'value="ten"' in page
    assert not MeasureTarget.objects.filter(measure=measure).exists()


def test_it_changes_a_measure(world, client_for, draft):
    measure = MeasureFactory(priority=PriorityFactory(plan=draft, code="A"), code="(i)")
    client = client_for("officer")
    assert 'value="(i)"' in text(client.get(url("measure_edit", world, uid=measure.uid)))
    client.post(url("measure_edit", world, uid=measure.uid), MEASURE | {"title": "Renamed"})
    measure.refresh_from_db()
    assert measure.title == "Renamed"


def test_it_deletes_a_measure_after_confirmation(world, client_for, draft):
    measure = MeasureFactory(priority=PriorityFactory(plan=draft, code="A"))
    client = client_for("officer")
    client.get(url("measure_delete", world, uid=measure.uid))
    assert Measure.objects.filter(pk=measure.pk).exists()
    client.post(url("measure_delete", world, uid=measure.uid))
    assert not Measure.objects.filter(pk=measure.pk).exists()


# Actions -------------------------------------------------------------------------------

ACTION = {
    "description": "Implement improvements to current MARAC process",
    "lead": "",
    "lead_text": "",
    "deadline_text": "",
    "status": "not_started",
    "rag": "",
}


def test_it_adds_an_action_led_by_a_member_organisation_with_a_date(
    world, client_for, draft, members
):
    priority = PriorityFactory(plan=draft, code="A")
    response = client_for("officer").post(
        url("action_create", world, uid=priority.uid),
        ACTION
        | {
            "lead": f"org:{members['police'].pk}",
            "deadline_date_day": "31",
            "deadline_date_month": "3",
            "deadline_date_year": "2018",
        },
    )
    action = priority.actions.get()
    assert response["Location"].endswith(f"#action-{action.code}")
    assert action.lead_organisation == members["police"]
    assert action.deadline_date == dt.date(2018, 3, 31)
    assert action.lead_display == "Norfolk Constabulary"


def test_it_adds_an_action_led_by_a_board_with_a_deadline_in_words(
    world, client_for, draft, members
):
    priority = PriorityFactory(plan=draft, code="A")
    client_for("officer").post(
        url("action_create", world, uid=priority.uid),
        ACTION | {"lead": f"board:{members['board'].pk}", "deadline_text": "Quarterly"},
    )
    action = priority.actions.get()
    assert action.lead_board == members["board"]
    assert action.deadline_display == "Quarterly"


def test_it_adds_an_action_with_a_typed_lead(world, client_for, draft):
    priority = PriorityFactory(plan=draft, code="A")
    client_for("officer").post(
        url("action_create", world, uid=priority.uid),
        ACTION | {"lead_text": "WCC PH/CSPs", "deadline_text": "TBC"},
    )
    action = priority.actions.get()
    assert (action.lead_text, action.lead_organisation, action.deadline_text) == (
        "WCC PH/CSPs",
        None,
        "TBC",
    )


def test_it_refuses_an_organisation_that_is_not_a_member(world, client_for, draft, members):
    priority = PriorityFactory(plan=draft, code="A")
    response = client_for("officer").post(
        url("action_create", world, uid=priority.uid),
        ACTION | {"lead": f"org:{members['stranger'].pk}"},
    )
    assert 'href="#id_lead">Choose a lead from the list, or type it below' in text(response)
    assert not priority.actions.exists()


def test_it_keeps_action_input_when_the_deadline_is_not_a_date(world, client_for, draft):
    priority = PriorityFactory(plan=draft, code="A")
    response = client_for("officer").post(
        url("action_create", world, uid=priority.uid),
        ACTION
        | {
            "deadline_date_day": "31",
            "deadline_date_month": "13",
            "deadline_date_year": "2018",
            "lead_text": "DA Board",
        },
    )
    page = text(response)
    assert 'href="#id_deadline_date_0">Enter a real date' in page
    assert "Implement improvements to current MARAC process" in page
    assert 'value="DA Board"' in page
    assert 'value="13"' in page
    assert not priority.actions.exists()


def test_it_rates_a_complete_action_blue(world, client_for, draft):
    action = ActionFactory(priority=PriorityFactory(plan=draft, code="A"))
    client_for("officer").post(
        url("action_edit", world, code=action.code),
        ACTION | {"status": "complete", "rag": "green"},
    )
    action.refresh_from_db()
    assert (action.status, action.rag, action.completed_on) == ("complete", "blue", TODAY)


def test_it_refuses_a_completion_date_for_an_action_that_is_not_complete(world, client_for, draft):
    action = ActionFactory(priority=PriorityFactory(plan=draft, code="A"))
    response = client_for("officer").post(
        url("action_edit", world, code=action.code),
        ACTION
        | {
            "status": "in_progress",
            "completed_on_day": "1",
            "completed_on_month": "4",
            "completed_on_year": "2014",
        },
    )
    assert "Only give a completion date if the action is complete" in text(response)
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED


def test_it_deletes_an_action_after_confirmation(world, client_for, draft):
    action = ActionFactory(priority=PriorityFactory(plan=draft, code="A"))
    client = client_for("officer")
    assert "Implement improvements" in text(
        client.get(url("action_delete", world, code=action.code))
    )
    client.post(url("action_delete", world, code=action.code))
    assert not Action.objects.filter(pk=action.pk).exists()


# After adoption, only progress ---------------------------------------------------------


def test_it_updates_action_progress_on_an_adopted_plan(world, client_for):
    plan = adopted_plan(world.home)
    action = ActionFactory(priority=plan.priorities.get(code="A"), lead_text="DA Board")
    client = client_for("officer")
    page = text(client.get(url("action_edit", world, code=action.code)))
    assert "only the progress of this action can change" in page
    assert 'name="description"' not in page
    response = client.post(
        url("action_edit", world, code=action.code),
        {
            "status": "in_progress",
            "rag": "amber",
            "progress_note": "Two of three steps done.",
            # Not part of the progress form, so ignored.
            "description": "Something else",
            "lead_text": "Someone else",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.rag, action.progress_note) == (
        "in_progress",
        "amber",
        "Two of three steps done.",
    )
    assert action.description.startswith("Implement improvements")
    assert action.lead_text == "DA Board"


def test_it_never_changes_an_adopted_action_s_structure(world):
    plan = adopted_plan(world.home)
    action = ActionFactory(priority=plan.priorities.get(code="A"))
    with pytest.raises(PermissionDenied):
        action_update(action=action, data={"description": "Changed"}, by=world.person("officer"))
    action.refresh_from_db()
    assert action.description != "Changed"


def test_it_shows_update_progress_but_no_structure_links_on_an_adopted_plan(world, client_for):
    plan = adopted_plan(world.home)
    action = ActionFactory(priority=plan.priorities.get(code="A"))
    officer = text(client_for("officer").get(url("detail", world, code=plan.code)))
    assert "Update progress" in officer
    assert url("action_edit", world, code=action.code) in officer
    assert url("action_delete", world, code=action.code) not in officer
    assert "Add a priority" not in officer
    assert "Set targets" not in officer
    scrutiny = text(client_for("scrutiny").get(url("detail", world, code=plan.code)))
    assert url("action_edit", world, code=action.code) not in scrutiny


def test_it_shows_every_edit_link_on_a_draft_to_officers(world, client_for, draft):
    priority = PriorityFactory(plan=draft, code="A")
    measure = MeasureFactory(priority=priority)
    action = ActionFactory(priority=priority)
    page = text(client_for("officer").get(url("detail", world, code=draft.code)))
    for link in (
        url("edit", world, code=draft.code),
        url("priority_create", world, code=draft.code),
        url("priority_edit", world, uid=priority.uid),
        url("measure_edit", world, uid=measure.uid),
        url("measure_targets", world, uid=measure.uid),
        url("action_edit", world, code=action.code),
        url("action_delete", world, code=action.code),
    ):
        assert link in page
    assert url("adopt", world, code=draft.code) not in page
    viewer = text(client_for("viewer").get(url("detail", world, code=draft.code)))
    assert url("priority_edit", world, uid=priority.uid) not in viewer
    manager = text(client_for("manager").get(url("detail", world, code=draft.code)))
    assert url("adopt", world, code=draft.code) in manager


# Adoption and refresh ------------------------------------------------------------------


def test_it_adopts_a_draft_and_supersedes_the_previous_plan(world, client_for):
    old = adopted_plan(world.home)
    new = PlanFactory(partnership=world.home, version=2)
    PriorityFactory(plan=new, code="A")
    client = client_for("manager")
    page = text(client.get(url("adopt", world, code=new.code)))
    assert f"It replaces {old.title} (version 1)" in page
    response = client.post(url("adopt", world, code=new.code))
    assert response["Location"] == url("detail", world, code=new.code)
    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.status, new.adopted_on, new.adopted_by) == (
        Plan.Status.ADOPTED,
        TODAY,
        world.person("manager"),
    )
    assert old.status == Plan.Status.SUPERSEDED
    page = text(client.get(url("detail", world, code=new.code)))
    assert "Adopted" in page
    assert TODAY.strftime("%-d %B %Y") in page


def test_it_refuses_to_adopt_a_plan_with_no_priorities(world, client_for, draft):
    response = client_for("manager").post(url("adopt", world, code=draft.code))
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Add at least one priority before adopting the plan." in page
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT


def test_it_lets_only_managers_adopt(world, client_for, draft):
    PriorityFactory(plan=draft, code="A")
    assert client_for("officer").post(url("adopt", world, code=draft.code)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT


def test_it_refreshes_the_plan_keeping_the_old_version_and_copying_everything(
    world, client_for, objectives, members
):
    plan = adopted_plan(world.home, priorities=2, measures=2)
    first = plan.priorities.get(code="A")
    first.sponsor = members["police"]
    first.save()
    first.objectives.set([objectives[0]])
    ActionFactory(
        priority=first,
        lead_board=members["board"],
        deadline_text="Quarterly",
        status="in_progress",
        rag="amber",
    )
    client = client_for("manager")
    assert "2014/15 to 2016/17" in text(client.get(url("refresh", world, code=plan.code)))
    response = client.post(url("refresh", world, code=plan.code))
    new = Plan.objects.get(partnership=world.home, status=Plan.Status.DRAFT)
    assert response["Location"] == url("detail", world, code=new.code)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ADOPTED  # kept until the new version is adopted
    assert (new.version, new.previous, new.first_year, new.last_year) == (2, plan, 2014, 2016)

    old_measures = {m.lineage: m for m in Measure.objects.filter(priority__plan=plan)}
    new_measures = {m.lineage: m for m in Measure.objects.filter(priority__plan=new)}
    assert set(new_measures) == set(old_measures)
    assert len(new_measures) == 4
    for lineage, measure in new_measures.items():
        assert measure.pk != old_measures[lineage].pk
        assert measure.uid != old_measures[lineage].uid
        assert measure.code == old_measures[lineage].code
        assert {(t.financial_year, t.period, t.value) for t in measure.targets.all()} == {
            (t.financial_year, t.period, t.value)
            for t in old_measures[lineage].targets.all()
            if t.financial_year in (2014, 2015)
        }
    new_first = new.priorities.get(code="A")
    assert new_first.sponsor == members["police"]
    assert list(new_first.objectives.all()) == [objectives[0]]
    copied = new_first.actions.get()
    assert (copied.lead_board, copied.deadline_text, copied.status, copied.rag) == (
        members["board"],
        "Quarterly",
        "in_progress",
        "amber",
    )
    # The old version still has everything.
    assert plan.priorities.count() == 2
    assert first.actions.count() == 1

    # Adopting the refreshed version supersedes the old one; both stay readable.
    client.post(url("adopt", world, code=new.code))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUPERSEDED
    page = text(client_for("scrutiny").get(url("list", world)))
    assert "Earlier versions" in page
    assert url("detail", world, code=plan.code) in page


# What the plan page shows --------------------------------------------------------------


def test_it_shows_the_whole_plan(world, client_for, objectives, members):
    plan = PlanFactory(
        partnership=world.home,
        version=1,
        status=Plan.Status.ADOPTED,
        title="Norfolk CSP Plan 2013 to 2016",
        adopted_on=dt.date(2013, 6, 21),
        adopted_by=world.person("manager"),
    )
    priority = PriorityFactory(
        plan=plan,
        code="A",
        title="Reduce the incidence of crime and ASB",
        sponsor=members["police"],
        lead_officer="ACC Jo Sample",
    )
    priority.objectives.set([objectives[1]])
    measure = MeasureFactory(
        priority=priority,
        code="(i)",
        title="Priority crime",
        unit=Measure.Unit.MONEY,
        baseline_value=Decimal("65000"),
        baseline_label="2012/13",
        baseline_date=dt.date(2013, 3, 31),
        tolerance_percent=Decimal("7.5"),
        national_comparator=Decimal("61000"),
        national_comparator_label="England and Wales",
        data_owner="Norfolk County Council",
    )
    MeasureTargetFactory(measure=measure, financial_year=2013, period="year", value=Decimal(4000))
    MeasureTargetFactory(measure=measure, financial_year=2013, period="q2", value=Decimal(1500))
    ActionFactory(
        priority=priority,
        description="Implement improvements to current MARAC process",
        lead_text="",
        lead_organisation=members["council"],
        deadline_date=dt.date(2018, 3, 31),
        status="in_progress",
        rag="green",
    )
    page = text(client_for("scrutiny").get(url("detail", world, code=plan.code)))
    for expected in (
        "Norfolk CSP Plan 2013 to 2016",
        "2013/14 to 2015/16",
        "21 June 2013",
        "Manager",
        "Priority A: Reduce the incidence of crime and ASB",
        "Norfolk Constabulary",
        "ACC Jo Sample",
        "2. Support victims and reduce vulnerability",
        "(i) Priority crime",
        "Money (£)",
        "£65,000 (2012/13), measured 31 March 2013",
        "7.5% short of target",
        "£61,000 (England and Wales)",
        "Norfolk County Council",
        "£4,000",  # annual target
        "£1,000",  # Q1 shared from the annual total
        "£1,500",  # Q2 set on its own
        "from the annual target",
        "2014/15",
        "Implement improvements to current MARAC process",
        "31 March 2018",
        "In progress",
        "Green",
    ):
        assert expected in page, expected


def test_it_marks_overdue_actions_in_words(world, client_for):
    plan = adopted_plan(world.home, priorities=1, measures=0)
    priority = plan.priorities.get()
    ActionFactory(priority=priority, description="Late action", deadline_date=YESTERDAY)
    ActionFactory(
        priority=priority,
        description="Done late",
        deadline_date=YESTERDAY,
        status="complete",
        rag="blue",
        completed_on=TODAY,
    )
    ActionFactory(priority=priority, description="Not due", deadline_date=TODAY)
    page = text(client_for("officer").get(url("detail", world, code=plan.code)))
    assert page.count('govuk-tag--red">Overdue</strong>') == 1
    on_a_page = text(client_for("officer").get(url("on_a_page", world, code=plan.code)))
    assert on_a_page.count('govuk-tag--red">Overdue</strong>') == 1
    assert "1 action overdue." in on_a_page
    late_row = on_a_page[on_a_page.index("Late action") :].split("</tr>")[0]
    assert "Overdue" in late_row


def test_plan_on_a_page_spans_each_priority_over_its_actions(world, client_for):
    plan = adopted_plan(world.home, priorities=2, measures=0)
    a, b = plan.priorities.order_by("code")
    for n in range(3):
        ActionFactory(priority=a, description=f"Action A{n}")
    page = text(client_for("scrutiny").get(url("on_a_page", world, code=plan.code)))
    assert f'<th scope="rowgroup" rowspan="3" class="govuk-table__header">A: {a.title}</th>' in page
    assert f'<th scope="row" class="govuk-table__header">B: {b.title}</th>' in page
    assert page.count('<tbody class="govuk-table__body">') == 2
    assert "No actions yet" in page


def test_plan_on_a_page_shows_only_overdue_actions_when_asked(world, client_for):
    plan = adopted_plan(world.home, priorities=2, measures=0)
    a, b = plan.priorities.order_by("code")
    ActionFactory(priority=a, description="Late action", deadline_date=YESTERDAY)
    ActionFactory(priority=a, description="Ongoing work", deadline_text="Ongoing")
    ActionFactory(
        priority=b, description="Future work", deadline_date=TODAY + dt.timedelta(days=30)
    )
    page = text(
        client_for("officer").get(url("on_a_page", world, code=plan.code), {"overdue": "1"})
    )
    assert "Late action" in page
    assert "Ongoing work" not in page
    assert "Future work" not in page
    assert f"B: {b.title}" not in page
    assert f"{url('on_a_page_csv', world, code=plan.code)}?overdue=1" in page


def test_plan_on_a_page_downloads_as_csv(world, client_for):
    plan = adopted_plan(world.home, priorities=2, measures=0)
    a, b = plan.priorities.order_by("code")
    ActionFactory(
        priority=a,
        description="Implement improvements to current MARAC process",
        lead_text="DA Board",
        deadline_date=YESTERDAY,
        status="in_progress",
        rag="red",
    )
    ActionFactory(
        priority=a, description="=HYPERLINK(evil)", lead_text="SCC", deadline_text="Ongoing"
    )
    response = client_for("scrutiny").get(url("on_a_page_csv", world, code=plan.code))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{world.home.slug}-plan-on-a-page-v1.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Priority code",
        "Priority",
        "Action",
        "Lead",
        "Deadline",
        "Status",
        "RAG",
        "Overdue",
    ]
    assert rows[1] == [
        "A",
        a.title,
        "Implement improvements to current MARAC process",
        "DA Board",
        YESTERDAY.strftime("%-d %B %Y"),
        "In progress",
        "Red",
        "Overdue",
    ]
    # A cell that a spreadsheet would run as a formula is made plain text.
    assert rows[2][2] == "'=HYPERLINK(evil)"
    assert rows[2][4:] == ["Ongoing", "Not started", "Not rated", ""]
    assert rows[3] == ["B", b.title, "", "", "", "", "", ""]
    overdue = client_for("scrutiny").get(
        url("on_a_page_csv", world, code=plan.code), {"overdue": "1"}
    )
    overdue_rows = list(csv.reader(io.StringIO(overdue.content.decode("utf-8-sig"))))
    assert [r[2] for r in overdue_rows[1:]] == ["Implement improvements to current MARAC process"]


# Who may see what ----------------------------------------------------------------------


def test_it_denies_read_only_members_the_draft(world, client_for, draft):
    for persona in ("scrutiny", "pcc_reviewer", "panel_member", "dhr_panel"):
        response = client_for(persona).get(url("detail", world, code=draft.code))
        assert response.status_code == 403
        assert "Draft plans are only shown" in text(response)


def test_it_does_not_reach_a_plan_through_another_partnership(world, client_for):
    """A plan's code under another partnership's address is not found."""
    plan = adopted_plan(world.neighbour)
    response = client_for("officer").get(url("detail", world, code=plan.code))
    assert response.status_code == 404


def test_it_keeps_an_action_s_lead_that_has_left_the_partnership(world, client_for, draft):
    former = OrganisationFactory(name="Former member")
    action = ActionFactory(
        priority=PriorityFactory(plan=draft, code="A"), lead_text="", lead_organisation=former
    )
    client = client_for("officer")
    page = text(client.get(url("action_edit", world, code=action.code)))
    assert f'<option value="org:{former.pk}" selected>Former member</option>' in page
    response = client.post(
        url("action_edit", world, code=action.code),
        ACTION | {"lead": f"org:{former.pk}", "status": "in_progress"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.lead_organisation, action.status) == (former, "in_progress")
