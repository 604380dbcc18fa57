"""Issue 3 plan journeys in real Chromium: an officer drafts a plan with a priority, a
measure with targets and an action; the manager adopts it; the plan on a page shows it.
Every plan page reached passes axe-core, error states included."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from playwright.sync_api import expect

from partnerships.models import PoliceAndCrimeObjective
from priorities.models import Action, Plan
from tests.browser.conftest import assert_accessible, sign_in
from tests.partnerships.factories import BoardFactory, MembershipFactory, OrganisationFactory
from tests.performance.builders import adopted_plan
from tests.priorities.factories import (
    ActionFactory,
    MeasureFactory,
    MeasureTargetFactory,
    PlanFactory,
    PriorityFactory,
)


def _partnership_setup(world):
    police = OrganisationFactory(name="Norfolk Constabulary")
    MembershipFactory(partnership=world.home, organisation=police)
    BoardFactory(partnership=world.home, name="Domestic Abuse Board")
    PoliceAndCrimeObjective.objects.create(
        force_area=world.area, code="1", title="Sustain and improve local policing", order=1
    )


def test_an_officer_drafts_a_plan_and_the_manager_adopts_it(page, world):
    _partnership_setup(world)
    officer, manager = world.person("officer"), world.person("manager")
    sign_in(page, officer)

    page.goto(f"/p/{world.home.slug}/")
    page.get_by_role("navigation", name=world.home.name).get_by_role("link", name="Plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan")
    expect(page.get_by_text("The partnership has no adopted plan yet.")).to_be_visible()
    assert_accessible(page, "plan-list-empty")

    # Draft the plan; a first attempt with mistakes keeps what was typed.
    page.get_by_role("link", name="Draft a plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft a plan")
    assert_accessible(page, "plan-create")
    page.get_by_label("First financial year").fill("2017/19")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the title of the plan")
    expect(summary).to_contain_text("must be two years in a row")
    expect(page.get_by_label("First financial year")).to_have_value("2017/19")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page, "plan-create-errors")
    page.get_by_label("Title", exact=True).fill("Community Safety Plan 2017 to 2020")
    page.get_by_label("First financial year").fill("2017/18")
    page.get_by_label("Last financial year").fill("2019/20")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community Safety Plan 2017 to 2020")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have drafted")
    expect(page.get_by_text("This plan is a draft.")).to_be_visible()
    assert_accessible(page, "plan-draft-empty")

    # A priority, aligned to the Police and Crime Plan.
    page.get_by_role("link", name="Add a priority").click()
    assert_accessible(page, "priority-create")
    page.get_by_label("Code").fill("1")
    page.get_by_label("Title", exact=True).fill(
        "Protect people from the harm of domestic and sexual abuse"
    )
    page.get_by_label("Sponsor agency (optional)").select_option(label="Norfolk Constabulary")
    page.get_by_label("Lead officer (optional)").fill("ACC Jo Sample")
    page.get_by_label("1. Sustain and improve local policing").check()
    page.get_by_role("button", name="Add priority").click()
    expect(
        page.get_by_role(
            "heading", name="Priority 1: Protect people from the harm of domestic and sexual abuse"
        )
    ).to_be_visible()

    # A measure, then its targets.
    page.get_by_role("link", name="Add a measure to priority 1").click()
    assert_accessible(page, "measure-create")
    page.get_by_label("Code").fill("(i)")
    page.get_by_label("Measure", exact=True).fill("Repeat referrals to MARAC")
    page.get_by_label("Percentage").check()
    page.get_by_label("Lower is better").check()
    page.get_by_label("Each quarter should reach the annual target").check()
    page.get_by_label("Baseline (optional)").fill("28")
    page.get_by_label("Baseline period (optional)").fill("2016/17")
    page.get_by_label("Data owner (optional)").fill("Norfolk Constabulary")
    page.get_by_role("button", name="Save and set targets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Targets for (i) Repeat referrals to MARAC"
    )
    assert_accessible(page, "measure-targets")
    first_year = page.get_by_role("group", name="2017/18")
    first_year.get_by_label("Whole year").fill("25")
    first_year.get_by_label("Q1 (April to June)").fill("ten")
    page.get_by_role("button", name="Save targets").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the 2017/18 Q1 target as a number"
    )
    expect(first_year.get_by_label("Whole year")).to_have_value("25")
    assert_accessible(page, "measure-targets-errors")
    first_year.get_by_label("Q1 (April to June)").fill("27")
    page.get_by_role("button", name="Save targets").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The targets for measure (i) have been saved"
    )
    card = page.locator(".govuk-summary-card", has_text="Repeat referrals to MARAC")
    expect(card.get_by_role("row", name=re.compile(r"^2017.18"))).to_contain_text("25%")
    expect(card.get_by_role("row", name=re.compile(r"^2017.18"))).to_contain_text("27%")

    # An action led by a board, with a deadline that has passed.
    page.get_by_role("link", name="Add an action to priority 1").click()
    assert_accessible(page, "action-create")
    page.get_by_label("Action", exact=True).fill("Implement improvements to current MARAC process")
    page.get_by_label("Lead organisation or group (optional)").select_option(
        label="Domestic Abuse Board"
    )
    deadline = page.get_by_role("group", name="Deadline date (optional)")
    deadline.get_by_label("Day").fill("31")
    deadline.get_by_label("Month").fill("3")
    deadline.get_by_label("Year").fill("2018")
    page.get_by_role("button", name="Add action").click()
    row = page.get_by_role("row", name=re.compile("Implement improvements"))
    expect(row).to_contain_text("Domestic Abuse Board")
    expect(row).to_contain_text("31 March 2018")
    expect(row).to_contain_text("Overdue")
    assert_accessible(page, "plan-draft-full")
    # Officers cannot adopt.
    expect(page.get_by_role("link", name="Adopt this plan")).to_have_count(0)

    # The manager adopts it.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, manager)
    page.goto(f"/p/{world.home.slug}/plans/")
    assert_accessible(page, "plan-list-draft")
    page.get_by_role("link", name="Community Safety Plan 2017 to 2020").click()
    page.get_by_role("link", name="Adopt this plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Adopt Community Safety Plan 2017 to 2020?"
    )
    assert_accessible(page, "plan-adopt")
    page.get_by_role("button", name="Adopt plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "is now the partnership's adopted plan"
    )
    summary_rows = page.locator(".govuk-summary-list").first.locator(".govuk-summary-list__row")
    expect(summary_rows.filter(has_text="Status")).to_contain_text("Adopted")
    expect(summary_rows.filter(has_text="Adopted by")).to_contain_text("Manager")
    assert_accessible(page, "plan-adopted")
    plan = Plan.objects.get(partnership=world.home)
    assert plan.status == Plan.Status.ADOPTED
    assert plan.adopted_by == manager

    # The plan on a page shows it, the overdue action marked in words.
    page.get_by_role("link", name="Plan on a page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan on a page")
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader")).to_have_text(
        "1: Protect people from the harm of domestic and sexual abuse"
    )
    action_row = table.get_by_role("row", name=re.compile("Implement improvements"))
    expect(action_row).to_contain_text("Domestic Abuse Board")
    expect(action_row).to_contain_text("31 March 2018")
    expect(action_row.locator(".govuk-tag--red")).to_have_text("Overdue")
    assert_accessible(page, "plan-on-a-page")
    page.get_by_label("Only show overdue actions").check()
    page.get_by_role("button", name="Show actions").click()
    expect(page).to_have_url(re.compile(r"overdue=1"))
    expect(page.get_by_role("row", name=re.compile("Implement improvements"))).to_be_visible()
    assert_accessible(page, "plan-on-a-page-overdue")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the overdue actions as CSV")).click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    assert "Implement improvements to current MARAC process" in content
    assert "Overdue" in content

    # After adoption, only the action's progress can change.
    page.goto(f"/p/{world.home.slug}/plans/{plan.code}/")
    page.get_by_role("link", name=re.compile("^Update progress")).click()
    expect(page.get_by_text("only the progress of this action can change")).to_be_visible()
    assert_accessible(page, "action-progress")
    page.get_by_label("Complete").check()
    page.get_by_label("Progress (optional)").fill("New MARAC process in place.")
    page.get_by_role("button", name="Save").click()
    row = page.get_by_role("row", name=re.compile("Implement improvements"))
    expect(row).to_contain_text("Complete")
    expect(row).to_contain_text("Blue")
    expect(row).not_to_contain_text("Overdue")
    action = Action.objects.get(priority__plan=plan)
    assert (action.status, action.rag) == ("complete", "blue")


def test_every_other_plan_page_is_accessible(page, world):
    """The pages the journey above does not reach: change and delete pages, the refresh,
    earlier versions, and an action form with errors."""
    _partnership_setup(world)
    current = adopted_plan(world.home, priorities=1, measures=1, first_year=2014, last_year=2016)
    current.version = 2
    current.save(update_fields=["version"])
    old = PlanFactory(
        partnership=world.home, version=1, status=Plan.Status.SUPERSEDED, title="Plan 2013 to 2016"
    )
    PriorityFactory(plan=old, code="A")
    draft = PlanFactory(partnership=world.home, version=3, title="Refresh in progress")
    priority = PriorityFactory(plan=draft, code="A", title="Reduce crime and ASB")
    measure = MeasureFactory(priority=priority, code="(i)", baseline_value=Decimal("4585"))
    MeasureTargetFactory(measure=measure, financial_year=2013, period="year", value=Decimal(100))
    action = ActionFactory(priority=priority, deadline_date=dt.date(2014, 3, 31))
    sign_in(page, world.person("manager"))
    slug = world.home.slug

    for path, heading in [
        (f"/p/{slug}/plans/", "Plan"),
        (f"/p/{slug}/plans/{old.code}/", old.title),
        (f"/p/{slug}/plans/{draft.code}/edit/", "Change the plan's details"),
        (f"/p/{slug}/plans/{draft.code}/delete/", "Delete the draft Refresh in progress?"),
        (f"/p/{slug}/priorities/{priority.uid}/edit/", "Change priority A"),
        (
            f"/p/{slug}/priorities/{priority.uid}/delete/",
            "Delete priority A: Reduce crime and ASB?",
        ),
        (f"/p/{slug}/measures/{measure.uid}/edit/", "Change measure (i)"),
        (f"/p/{slug}/measures/{measure.uid}/delete/", re.compile(r"^Delete measure \(i\)")),
        (f"/p/{slug}/actions/{action.code}/edit/", "Change an action in priority A"),
        (f"/p/{slug}/actions/{action.code}/delete/", "Delete this action from priority A?"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page, path)

    # An action form with errors keeps what was typed.
    page.goto(f"/p/{slug}/actions/{action.code}/edit/")
    page.get_by_label("Action", exact=True).fill("")
    page.get_by_label("Or type the lead (optional)").fill("One Team coordinator")
    page.get_by_label("Complete").check()
    completed = page.get_by_role("group", name="Completed on (optional)")
    completed.get_by_label("Day").fill("40")
    completed.get_by_label("Month").fill("1")
    completed.get_by_label("Year").fill("2014")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter what will be done")
    expect(summary).to_contain_text("Enter a real date")
    expect(page.get_by_label("Or type the lead (optional)")).to_have_value("One Team coordinator")
    assert_accessible(page, "action-edit-errors")
    # The error summary links to the field.
    summary.get_by_role("link", name="Enter what will be done").click()
    expect(page.get_by_label("Action", exact=True)).to_be_focused()

    # The refresh confirmation (after the draft is deleted).
    page.goto(f"/p/{slug}/plans/{draft.code}/delete/")
    page.get_by_role("button", name="Delete draft plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been deleted")
    page.get_by_role("link", name="Refresh the plan for next year").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refresh the plan for next year?")
    expect(page.get_by_text("for 2015/16 to 2017/18")).to_be_visible()
    assert_accessible(page, "plan-refresh")
    page.get_by_role("button", name="Draft the refreshed plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "stays the adopted plan"
    )
    assert_accessible(page, "plan-refreshed")
