"""The quarterly return pages: every transition through the pages, who may and may not
make it, the lost update, save-and-come-back, the live RAG preview and query counts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from performance.models import PerformanceReturn, ReturnEvent, ReturnSection
from performance.services import (
    performance_return_approve,
    performance_return_query,
    performance_return_submit,
    return_section_save,
)
from priorities.models import Measure
from tests.accounts.factories import UserFactory
from tests.conftest import grant
from tests.performance.builders import adopted_plan, started_return
from tests.performance.return_routes import (
    approved_return,
    complete,
    completed_draft,
    draft_return,
    resubmitted_return,
    submitted_return,
)

Status = PerformanceReturn.Status
BACKEND = "django.contrib.auth.backends.ModelBackend"


# Helpers --------------------------------------------------------------------------------


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def page_url(name: str, ret: PerformanceReturn, **extra) -> str:
    return reverse(
        f"performance:{name}",
        kwargs={"partnership": ret.partnership.slug, "code": ret.code, **extra},
    )


def list_url(partnership) -> str:
    return reverse("performance:return_list", kwargs={"partnership": partnership.slug})


def section_of(ret: PerformanceReturn, code: str = "A") -> ReturnSection:
    return ret.sections.get(priority__code=code)


def section_form_data(section: ReturnSection, values: dict | None = None, **fields) -> dict:
    """The POST the section page sends: everything as it is saved, with changes."""
    data = {
        "revision": section.revision,
        "summary": section.summary,
        "milestones_reached": section.milestones_reached,
        "milestones_missed": section.milestones_missed,
        "prospects": section.prospects,
        "assessed_rag": section.assessed_rag,
        "rag_statement": section.rag_statement,
        "rag_justification": section.rag_justification,
        "action": "continue",
    }
    data.update(fields)
    for mv in section.values.all():
        entered = (values or {}).get(mv.measure.code, {})
        row = {
            "value": "" if mv.value is None else str(mv.value),
            "ytd_value": "" if mv.ytd_value is None else str(mv.ytd_value),
            "national_comparator": ""
            if mv.national_comparator is None
            else str(mv.national_comparator),
            "note": mv.note,
            "no_data_reason": mv.no_data_reason,
        }
        row.update({k: v for k, v in entered.items() if k != "no_data"})
        for name, value in row.items():
            data[f"value-{mv.pk}-{name}"] = value
        if entered.get("no_data", mv.no_data):
            data[f"value-{mv.pk}-no_data"] = "on"
    return data


def text(response) -> str:
    return response.content.decode()


def words(response) -> str:
    """The page's text without its tags (visually hidden words included)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text(response)))


def field_value(html: str, name: str) -> str | None:
    """The value attribute of the text input called ``name`` in a page."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def textarea_value(html: str, name: str) -> str | None:
    match = re.search(
        rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>\n?(.*?)</textarea>', html, re.S
    )
    return match.group(1) if match else None


@pytest.fixture
def officer(world):
    return world.person("officer")


@pytest.fixture
def manager(world):
    return world.person("manager")


@pytest.fixture
def ret(world):
    return draft_return(world)


# The list and starting a return -----------------------------------------------------------


def test_it_lists_every_return_with_status_dates_and_overdue(world, officer):
    approved = approved_return(world)
    draft = started_return(world.home, officer, quarter=2)
    response = signed_in(officer).get(list_url(world.home))
    html = text(response)
    shown = words(response)
    assert response.status_code == 200
    assert "Q1 2013/14" in html
    assert "Q2 2013/14" in html
    assert "Approved" in html
    assert "Draft" in html
    # The Q2 2013/14 deadline passed long ago and it is still a draft.
    assert html.count(">Overdue<") == 1
    assert approved.period.submission_deadline.strftime("%-d %B %Y") in html
    assert draft.period.submission_deadline.strftime("%-d %B %Y") in html
    assert shown.index("Q2 2013/14 return") < shown.index("Q1 2013/14 return")


def test_the_list_filters_by_status_and_year_and_sorts_by_period(world, officer):
    approved_return(world)
    started_return(world.home, officer, quarter=2)
    started_return(world.home, officer, financial_year=2014, quarter=1)
    client = signed_in(officer)
    html = words(client.get(list_url(world.home), {"status": "draft"}))
    assert "Q2 2013/14 return" in html
    assert "Q1 2014/15 return" in html
    assert "Q1 2013/14 return" not in html
    html = words(client.get(list_url(world.home), {"year": "2014"}))
    assert "Q1 2014/15 return" in html
    assert "Q2 2013/14 return" not in html
    response = client.get(list_url(world.home), {"sort": "period"})
    html = words(response)
    assert html.index("Q1 2013/14 return") < html.index("Q2 2013/14 return")
    assert html.index("Q2 2013/14 return") < html.index("Q1 2014/15 return")
    assert 'aria-sort="ascending"' in text(response)


def test_readers_of_published_material_see_only_approved_returns_in_the_list(world, officer):
    approved_return(world)
    started_return(world.home, officer, quarter=2)
    html = words(signed_in(world.person("scrutiny")).get(list_url(world.home)))
    assert "Q1 2013/14 return" in html
    assert "Q2 2013/14" not in html
    assert "Start the" not in html


def test_officers_are_offered_the_newest_quarter_without_a_return(world, officer):
    adopted_plan(world.home, first_year=2013, last_year=2013)
    started_return(world.home, officer, quarter=4)
    html = text(signed_in(officer).get(list_url(world.home)))
    assert "Start the Q3 2013/14 return" in html
    assert 'name="period" value="2013-q3"' in html
    assert "Start the" not in text(signed_in(world.person("viewer")).get(list_url(world.home)))


def test_an_officer_starts_a_return_from_the_list(world, officer):
    adopted_plan(world.home)
    response = signed_in(officer).post(
        reverse("performance:return_start", kwargs={"partnership": world.home.slug}),
        {"period": "2015-q4"},
    )
    ret = PerformanceReturn.objects.get(partnership=world.home)
    assert (ret.period.financial_year, ret.period.quarter) == (2015, 4)
    assert response["Location"] == page_url("return_tasks", ret)
    assert ret.sections.count() == 2


def test_the_start_page_lists_quarters_without_a_return_newest_first(world, officer):
    adopted_plan(world.home, first_year=2013, last_year=2013)
    started_return(world.home, officer, quarter=2)
    html = text(
        signed_in(officer).get(
            reverse("performance:return_start", kwargs={"partnership": world.home.slug})
        )
    )
    shown = re.findall(r'value="(2013-q\d)"', html)
    assert shown == ["2013-q4", "2013-q3", "2013-q1"]


def test_a_quarter_cannot_be_started_twice(world, officer):
    draft_return(world)
    response = signed_in(officer).post(
        reverse("performance:return_start", kwargs={"partnership": world.home.slug}),
        {"period": "2013-q1"},
    )
    assert response.status_code == 200
    assert "That quarter cannot be started" in text(response)
    assert PerformanceReturn.objects.count() == 1


def test_the_start_page_explains_that_a_plan_must_be_adopted_first(world, officer):
    html = text(
        signed_in(officer).get(
            reverse("performance:return_start", kwargs={"partnership": world.home.slug})
        )
    )
    assert "A manager must adopt the plan" in html


# The read view ----------------------------------------------------------------------------


def _norfolk_like_return(world):
    """Priority A with a count measure (lower is better), baseline, target text, national
    comparator; one measure with no data."""
    plan = adopted_plan(world.home, priorities=1, measures=2)
    measure = Measure.objects.get(priority__plan=plan, code="(i)")
    measure.title = "Priority crime"
    measure.target_text = "Maintain Priority Crime levels of 2012/13"
    measure.baseline_value = Decimal("4585")
    measure.baseline_label = "2012/13"
    measure.national_comparator_label = "National = 80%"
    measure.save()
    priority = measure.priority
    priority.title = "Reduce the incidence of crime and ASB"
    priority.lead_officer = "ACC Nick Dean"
    priority.save()
    officer = world.person("officer")
    ret = started_return(world.home, officer)
    section = section_of(ret)
    first, second = section.values.order_by("measure__order")
    return_section_save(
        section=section,
        revision=section.revision,
        fields={
            "summary": "Priority crime remains low.",
            "milestones_reached": "Reductions in burglary.",
            "milestones_missed": "None missed.",
            "prospects": "Athena will help.",
            "assessed_rag": "green",
            "rag_statement": "",
            "rag_justification": "Year to date is on target (241/250).",
        },
        values={
            first.pk: {
                "value": Decimal("2162"),
                "ytd_value": Decimal("4408"),
                "national_comparator": Decimal("2500"),
                "note": "Target (maintain levels)",
                "no_data": False,
            },
            second.pk: {
                "value": None,
                "no_data": True,
                "no_data_reason": "Report no longer published",
            },
        },
        by=officer,
    )
    return ret


def test_the_read_view_is_laid_out_like_the_norfolk_return(world, officer):
    ret = _norfolk_like_return(world)
    html = text(signed_in(officer).get(page_url("return_detail", ret)))
    for expected in (
        "Priority A. Reduce the incidence of crime and ASB",
        "Sponsor Agency",
        "Lead Officer",
        "ACC Nick Dean",
        "Performance data",
        "(i)</strong> Priority crime",
        "Maintain Priority Crime levels of 2012/13",
        "4,585 (2012/13)",  # baseline with its date
        "2,162",  # value for the quarter
        "4,408",  # year to date
        "2,500",  # national comparator
        "National = 80%",
        "Note: Target (maintain levels)",
        "No data available</strong>",
        "Report no longer published",
        "Summary Narrative – to include reference to graphical trend information",
        "What milestones have been reached successfully?",
        "Have any milestones on the action plan been missed? If so, why, and how are they being addressed?",
        "What are the prospects for the delivery of the targets for this priority? Are there any specific risks to delivery?",
        "Priority crime remains low.",
        "Overall traffic light assessment",
        "GREEN – target on track and likely to be achieved",
    ):
        assert expected in html, expected
    # Target 100, lower is better: 2,162 is far beyond the tolerance, no previous quarter.
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in html
    assert "Direction of travel not known" in html


def test_the_reviewer_sees_where_the_assessment_and_the_measures_disagree(world, officer):
    ret = _norfolk_like_return(world)
    html = text(signed_in(world.person("manager")).get(page_url("return_detail", ret)))
    assert "What the measures suggest" in html
    assert "The assessment (Green) differs from what the measures suggest (Red)." in html
    assert "Year to date is on target (241/250)." in html


def test_the_read_view_shows_the_query_and_the_history_with_comments(world):
    ret = approved_return(world)
    performance_return_query(
        performance_return=ret, by=world.person("pcc_reviewer"), comment="Why did A(i) fall?"
    )
    html = text(signed_in(world.person("officer")).get(page_url("return_detail", ret)))
    assert "Query from the PCC office" in html
    assert "Why did A(i) fall?" in html
    history = html[html.index("History of this return") :]
    for kind in ("Started", "Submitted for sign-off (version 1)", "Approved", "Queried"):
        assert kind in history


@pytest.mark.parametrize(
    ("persona", "state", "buttons"),
    [
        ("officer", "draft", {"Fill in the return"}),
        ("viewer", "draft", set()),
        ("officer", "submitted", set()),
        ("manager", "submitted", {"Sign off the return"}),
        ("pcc_reviewer", "approved", {"Query this return"}),
        ("scrutiny", "approved", set()),
        ("manager", "approved", set()),
    ],
)
def test_the_read_view_offers_only_the_actions_the_person_may_take(world, persona, state, buttons):
    ret = {"draft": draft_return, "submitted": submitted_return, "approved": approved_return}[
        state
    ](world)
    html = text(signed_in(world.person(persona)).get(page_url("return_detail", ret)))
    offered = {
        label
        for label in ("Fill in the return", "Sign off the return", "Query this return")
        if label in html
    }
    assert offered == buttons


# Filling in ---------------------------------------------------------------------------------


def test_the_task_list_shows_the_status_of_each_section(world, officer, ret):
    a, b = section_of(ret, "A"), section_of(ret, "B")
    client = signed_in(officer)
    html = text(client.get(page_url("return_tasks", ret)))
    assert html.count("Not started") == 2
    client.post(
        page_url("return_section", ret, priority="A"), section_form_data(a, summary="Begun")
    )
    html = text(client.get(page_url("return_tasks", ret)))
    assert "In progress" in html
    assert html.count("Not started") == 1
    complete(ret, officer)
    html = text(client.get(page_url("return_tasks", ret)))
    assert html.count(">Completed<") == 2
    assert "You have completed 2 of 2 priorities" in html
    assert b.priority.title in html


def test_save_and_come_back_later_keeps_partial_work(world, officer, ret):
    section = section_of(ret)
    mv = section.values.order_by("measure__order").first()
    client = signed_in(officer)
    response = client.post(
        page_url("return_section", ret, priority="A"),
        section_form_data(
            section, {"(i)": {"value": "2,162"}}, summary="Half written", action="later"
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(world.home)
    section.refresh_from_db()
    mv.refresh_from_db()
    assert section.summary == "Half written"
    assert mv.value == Decimal("2162")
    assert section.assessed_rag == ""  # nothing else was required to save
    html = text(client.get(page_url("return_section", ret, priority="A")))
    assert textarea_value(html, "summary") == "Half written"
    assert field_value(html, f"value-{mv.pk}-value") == "2162"


def test_save_and_continue_goes_to_the_next_priority_then_the_task_list(world, officer, ret):
    client = signed_in(officer)
    response = client.post(
        page_url("return_section", ret, priority="A"), section_form_data(section_of(ret, "A"))
    )
    assert response["Location"] == page_url("return_section", ret, priority="B")
    response = client.post(
        page_url("return_section", ret, priority="B"), section_form_data(section_of(ret, "B"))
    )
    assert response["Location"] == page_url("return_tasks", ret)


def test_saving_works_out_the_rag_on_the_server(world, officer, ret):
    section = section_of(ret)
    client = signed_in(officer)
    # Target 100, lower is better, 5% tolerance: 90 Green, 104 Amber (within tolerance).
    client.post(
        page_url("return_section", ret, priority="A"),
        section_form_data(section, {"(i)": {"value": "90"}, "(ii)": {"value": "104"}}),
    )
    rags = dict(section.values.values_list("measure__code", "calculated_rag"))
    assert rags == {"(i)": "green", "(ii)": "amber"}
    section.refresh_from_db()
    assert section.suggested_rag == "amber"
    html = text(client.get(page_url("return_section", ret, priority="A")))
    assert "What the measures suggest: " in html
    assert '<strong class="govuk-tag govuk-tag--orange">Amber</strong>' in html


def test_no_data_available_needs_a_reason(world, officer, ret):
    section = section_of(ret)
    mv = section.values.order_by("measure__order").first()
    response = signed_in(officer).post(
        page_url("return_section", ret, priority="A"),
        section_form_data(section, {"(i)": {"no_data": True}}, summary="Typed before the error"),
    )
    html = text(response)
    assert response.status_code == 200
    assert "Say why there is no data for (i)" in html
    assert f'href="#id_value-{mv.pk}-no_data_reason"' in html  # error summary link
    assert f'id="id_value-{mv.pk}-no_data_reason-error"' in html  # next to the field
    assert textarea_value(html, "summary") == "Typed before the error"
    section.refresh_from_db()
    assert section.summary == ""  # nothing saved
    signed_in(officer).post(
        page_url("return_section", ret, priority="A"),
        section_form_data(
            section, {"(i)": {"no_data": True, "no_data_reason": "Report no longer published"}}
        ),
    )
    mv.refresh_from_db()
    assert (mv.no_data, mv.no_data_reason, mv.is_answered) == (
        True,
        "Report no longer published",
        True,
    )


def test_a_value_that_is_not_a_number_is_refused_next_to_the_field(world, officer, ret):
    section = section_of(ret)
    mv = section.values.order_by("measure__order").first()
    response = signed_in(officer).post(
        page_url("return_section", ret, priority="A"),
        section_form_data(section, {"(i)": {"value": "about 90"}}, prospects="Kept"),
    )
    html = text(response)
    assert "The value for the quarter for (i) must be a number" in html
    assert field_value(html, f"value-{mv.pk}-value") == "about 90"
    assert textarea_value(html, "prospects") == "Kept"
    mv.refresh_from_db()
    assert mv.value is None


def test_a_different_assessment_needs_a_justification(world, officer, ret):
    section = section_of(ret)
    client = signed_in(officer)
    data = section_form_data(
        section, {"(i)": {"value": "150"}, "(ii)": {"value": "150"}}, assessed_rag="green"
    )
    html = text(client.post(page_url("return_section", ret, priority="A"), data))
    assert (
        "Explain why your assessment (Green) differs from what the measures suggest (Red)" in html
    )
    assert 'href="#id_rag_justification"' in html
    # The live RAG shown with the error is worked out from what was typed.
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in html
    section.refresh_from_db()
    assert section.assessed_rag == ""
    data["rag_justification"] = "Year to date is on target."
    client.post(page_url("return_section", ret, priority="A"), data)
    section.refresh_from_db()
    assert (section.assessed_rag, section.suggested_rag) == ("green", "red")


def test_the_default_statement_is_filled_in_for_the_colour_chosen(world, officer, ret):
    section = section_of(ret)
    client = signed_in(officer)
    client.post(
        page_url("return_section", ret, priority="A"),
        section_form_data(section, assessed_rag="amber", rag_statement=""),
    )
    section.refresh_from_db()
    assert section.rag_statement.startswith("AMBER – target causing concern")
    html = text(client.get(page_url("return_section", ret, priority="A")))
    assert textarea_value(html, "rag_statement").startswith("AMBER – target causing concern")
    # The officer may write their own.
    client.post(
        page_url("return_section", ret, priority="A"),
        section_form_data(section, rag_statement="AMBER – NDAP faces another year of change"),
    )
    section.refresh_from_db()
    assert section.rag_statement == "AMBER – NDAP faces another year of change"


def test_changing_the_colour_replaces_the_standard_statement_but_not_an_own_one(
    world, officer, ret
):
    section = section_of(ret)
    client = signed_in(officer)
    url = page_url("return_section", ret, priority="A")
    client.post(url, section_form_data(section, assessed_rag="green"))
    section.refresh_from_db()
    assert section.rag_statement.startswith("GREEN")
    # The page now shows "GREEN – …" pre-filled; the officer changes the colour only.
    client.post(url, section_form_data(section, assessed_rag="amber"))
    section.refresh_from_db()
    assert section.rag_statement.startswith("AMBER – target causing concern")
    client.post(url, section_form_data(section, rag_statement="AMBER – our own words"))
    section.refresh_from_db()
    client.post(url, section_form_data(section, assessed_rag="red"))
    section.refresh_from_db()
    assert (section.assessed_rag, section.rag_statement) == ("red", "AMBER – our own words")


def test_a_second_person_saving_from_a_stale_page_is_refused_and_keeps_their_input(world, ret):
    alice = signed_in(world.person("officer"))
    bob = signed_in(world.person("manager"))
    section = section_of(ret)
    mv = section.values.order_by("measure__order").first()
    url = page_url("return_section", ret, priority="A")
    # Both open the page at the same revision.
    alice_page, bob_page = text(alice.get(url)), text(bob.get(url))
    assert field_value(alice_page, "revision") == field_value(bob_page, "revision") == "1"

    alice.post(
        url,
        section_form_data(section, {"(i)": {"value": "90"}}, summary="Alice wrote this first"),
    )
    response = bob.post(
        url,
        section_form_data(
            section,
            {"(i)": {"value": "120", "note": "Bob typed a note"}},
            summary="Bob wrote this second",
            prospects="Bob also answered the prospects",
            assessed_rag="red",
        ),
    )
    html = text(response)
    assert response.status_code == 200
    assert "Officer saved this section at" in html
    assert "Your changes have not been saved" in html
    assert "govuk-error-summary" in html
    # Everything Bob typed is still in the form.
    assert textarea_value(html, "summary") == "Bob wrote this second"
    assert textarea_value(html, "prospects") == "Bob also answered the prospects"
    assert field_value(html, f"value-{mv.pk}-value") == "120"
    assert field_value(html, f"value-{mv.pk}-note") == "Bob typed a note"
    assert re.search(r'value="red"[^>]*checked', html)
    # And what Alice saved is shown beside it.
    assert "What Officer saved" in html
    assert "Alice wrote this first" in html
    # Alice's data is unchanged.
    section.refresh_from_db()
    mv.refresh_from_db()
    assert section.summary == "Alice wrote this first"
    assert section.prospects == ""
    assert mv.value == Decimal("90")
    assert mv.note == ""
    # Saving again from the same stale page is still refused.
    again = bob.post(url, section_form_data(section, summary="Bob tries again", revision=1))
    assert "Your changes have not been saved" in text(again)
    section.refresh_from_db()
    assert section.summary == "Alice wrote this first"


def test_a_save_after_the_return_was_submitted_is_refused_and_keeps_the_input(world, officer):
    ret = completed_draft(world)
    section = section_of(ret)
    client = signed_in(world.person("manager"))
    data = section_form_data(section, summary="Typed while it was being submitted")
    performance_return_submit(performance_return=ret, by=officer)
    html = text(client.post(page_url("return_section", ret, priority="A"), data))
    assert "submitted for sign-off, so it cannot be changed" in html
    assert textarea_value(html, "summary") == "Typed while it was being submitted"
    section.refresh_from_db()
    assert section.summary == "Priority crime is below target."


@pytest.mark.parametrize("state", [submitted_return, approved_return])
def test_a_return_that_is_not_a_draft_cannot_be_filled_in(world, state):
    ret = state(world)
    client = signed_in(world.person("officer"))
    for url in (
        page_url("return_tasks", ret),
        page_url("return_section", ret, priority="A"),
        page_url("return_submit", ret),
    ):
        response = client.get(url)
        assert response["Location"] == page_url("return_detail", ret)
    preview = client.post(page_url("return_section_preview", ret, priority="A"), {})
    assert preview.status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("viewer", 403), ("scrutiny", 403), ("pcc_reviewer", 403), ("other_partnership", 404)],
)
def test_people_who_may_not_fill_in_a_return(world, ret, persona, expected):
    client = signed_in(world.person(persona))
    section = section_of(ret)
    response = client.post(
        page_url("return_section", ret, priority="A"), section_form_data(section, summary="x")
    )
    assert response.status_code == expected
    section.refresh_from_db()
    assert section.summary == ""


# The live RAG (htmx) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "no_data"),
    [
        ("90", "100", False),  # green, green
        ("104", "130", False),  # amber (tolerance), red (beyond, no previous quarter)
        ("", "99.5", False),  # not rated, green
        ("250", "", True),  # red; (ii) no data available: not rated
    ],
)
def test_the_live_preview_gives_the_same_rag_as_saving(world, officer, ret, first, second, no_data):
    section = section_of(ret)
    first_mv, second_mv = section.values.order_by("measure__order")
    values = {"(i)": {"value": first}, "(ii)": {"value": second}}
    if no_data:
        values["(ii)"].update(no_data=True, no_data_reason="Not published")
    data = section_form_data(section, values)
    client = signed_in(officer)
    preview = text(
        client.post(
            page_url("return_section_preview", ret, priority="A"), data, HTTP_HX_REQUEST="true"
        )
    )
    client.post(page_url("return_section", ret, priority="A"), data)
    section.refresh_from_db()
    labels = {"red": "Red", "amber": "Amber", "green": "Green", "": "Not rated"}
    for mv in (first_mv, second_mv):
        mv.refresh_from_db()
        fragment = re.search(rf'<span id="rag-{mv.pk}" hx-swap-oob="innerHTML">(.*?)\n', preview)
        assert f">{labels[mv.calculated_rag]}</strong>" in fragment.group(1)
        assert f'value="{mv.calculated_rag}/{mv.direction}"' in fragment.group(1)
    suggested = re.search(r'<span id="suggested-rag" hx-swap-oob="innerHTML">(.*)', preview, re.S)
    assert f">{labels[section.suggested_rag]}</strong>" in suggested.group(1)


def test_the_live_preview_writes_nothing_and_sends_only_what_changed(world, officer, ret):
    section = section_of(ret)
    first_mv, second_mv = section.values.order_by("measure__order")
    data = section_form_data(section, {"(i)": {"value": "90"}})
    data[f"shown-rag-{first_mv.pk}"] = "/unknown"
    data[f"shown-rag-{second_mv.pk}"] = "/unknown"
    data["shown-suggested"] = ""
    html = text(
        signed_in(officer).post(page_url("return_section_preview", ret, priority="A"), data)
    )
    assert f'id="rag-{first_mv.pk}"' in html
    assert f'id="rag-{second_mv.pk}"' not in html  # unchanged, so not re-announced
    assert 'id="suggested-rag"' in html
    assert "Calculated RAG for (i): " in html
    first_mv.refresh_from_db()
    assert first_mv.value is None
    assert first_mv.calculated_rag == ""


def test_the_section_page_asks_htmx_for_the_live_rag_with_the_csrf_token(world, officer, ret):
    html = text(signed_in(officer).get(page_url("return_section", ret, priority="A")))
    grid = re.search(r'<div id="measure-grid"[^>]*>', html).group(0)
    assert f'hx-post="{page_url("return_section_preview", ret, priority="A")}"' in grid
    assert "delay:500ms" in grid
    assert "X-CSRFToken" in grid
    assert re.search(r'<span id="rag-\d+" aria-live="polite"', html)
    assert '<span id="suggested-rag" aria-live="polite"' in html


# Submitting ---------------------------------------------------------------------------------


def test_the_check_page_lists_every_problem_with_a_link_to_it(world, officer, ret):
    section = section_of(ret)
    mv = section.values.order_by("measure__order").first()
    html = text(signed_in(officer).get(page_url("return_submit", ret)))
    assert "You cannot submit the return yet" in html
    assert "Submit for sign-off" not in html
    section_url = page_url("return_section", ret, priority="A")
    assert f'href="{section_url}#id_value-{mv.pk}-value"' in html
    assert f'href="{section_url}#id_summary"' in html
    assert f'href="{section_url}#id_assessed_rag_0"' in html
    assert html.count("Enter the summary narrative") == 2  # one per priority


def test_an_officer_submits_a_complete_return_and_sees_the_confirmation(world, officer):
    ret = completed_draft(world)
    client = signed_in(officer)
    html = text(client.get(page_url("return_submit", ret)))
    assert "Submit for sign-off" in html
    response = client.post(page_url("return_submit", ret))
    assert response["Location"] == page_url("return_submitted", ret)
    html = text(client.get(response["Location"]))
    assert "govuk-panel--confirmation" in html
    assert "Return submitted for sign-off" in html
    ret.refresh_from_db()
    assert (ret.status, ret.submitted_by) == (Status.SUBMITTED, officer)
    assert ret.versions.count() == 1


def test_submitting_an_incomplete_return_changes_nothing(world, officer, ret):
    response = signed_in(officer).post(page_url("return_submit", ret))
    assert response.status_code == 200
    assert "The return has not been submitted" in text(response)
    ret.refresh_from_db()
    assert ret.status == Status.DRAFT


# Sign-off -------------------------------------------------------------------------------------


def test_a_manager_returns_the_return_with_comments_that_the_officers_see(world, manager):
    ret = submitted_return(world)
    client = signed_in(manager)
    url = page_url("return_sign_off", ret)
    response = client.post(url, {"decision": "return", "comment": ""})
    html = text(response)
    assert "Say what needs to change before the return can be approved" in html
    assert 'href="#id_comment"' in html
    assert 'id="id_comment-error"' in html
    ret.refresh_from_db()
    assert ret.status == Status.SUBMITTED

    response = client.post(url, {"decision": "return", "comment": "Please explain the rise."})
    assert response["Location"] == page_url("return_detail", ret)
    ret.refresh_from_db()
    assert ret.status == Status.DRAFT
    tasks = text(signed_in(world.person("officer")).get(page_url("return_tasks", ret)))
    assert "Returned with comments" in tasks
    assert "Please explain the rise." in tasks


def test_a_manager_approves_with_an_optional_comment(world, manager):
    ret = submitted_return(world)
    response = signed_in(manager).post(
        page_url("return_sign_off", ret), {"decision": "approve", "comment": "Well done."}
    )
    assert response["Location"] == page_url("return_detail", ret)
    ret.refresh_from_db()
    assert (ret.status, ret.approved_by) == (Status.APPROVED, manager)
    assert ret.events.last().comment == "Well done."


def test_the_sign_off_page_needs_a_decision(world, manager):
    ret = submitted_return(world)
    html = text(signed_in(manager).post(page_url("return_sign_off", ret), {"comment": ""}))
    assert "Choose whether to approve the return or return it with comments" in html
    assert 'href="#id_decision_0"' in html


def test_the_manager_who_submitted_cannot_approve(world, manager):
    ret = draft_return(world)
    complete(ret, manager)
    performance_return_submit(performance_return=ret, by=manager)
    client = signed_in(manager)
    html = text(client.get(page_url("return_sign_off", ret)))
    assert "You submitted this return, so another manager must approve it." in html
    assert 'value="approve"' not in html
    response = client.post(page_url("return_sign_off", ret), {"decision": "approve"})
    summary = text(response).split('class="govuk-error-summary"')[1]
    assert "You submitted this return, so another manager must approve it." in summary
    ret.refresh_from_db()
    assert ret.status == Status.SUBMITTED
    # A second manager can.
    second = UserFactory(email="second.manager@example.org", name="Second Manager")
    grant(second, "manager", partnership=world.home)
    signed_in(second).post(page_url("return_sign_off", ret), {"decision": "approve"})
    ret.refresh_from_db()
    assert ret.status == Status.APPROVED


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("officer", 403), ("viewer", 403), ("pcc_reviewer", 403), ("other_partnership", 404)],
)
def test_people_who_may_not_sign_off(world, persona, expected):
    ret = submitted_return(world)
    response = signed_in(world.person(persona)).post(
        page_url("return_sign_off", ret), {"decision": "approve"}
    )
    assert response.status_code == expected
    ret.refresh_from_db()
    assert ret.status == Status.SUBMITTED


def test_only_a_submitted_return_can_be_signed_off(world, manager, ret):
    response = signed_in(manager).post(page_url("return_sign_off", ret), {"decision": "approve"})
    assert response["Location"] == page_url("return_detail", ret)
    ret.refresh_from_db()
    assert ret.status == Status.DRAFT


# Query --------------------------------------------------------------------------------------


def test_the_pcc_office_queries_an_approved_return_which_reopens_with_the_query(world):
    ret = approved_return(world)
    client = signed_in(world.person("pcc_reviewer"))
    url = page_url("return_query", ret)
    html = text(client.post(url, {"comment": "  "}))
    assert "Enter your query" in html
    assert 'id="id_comment-error"' in html
    response = client.post(url, {"comment": "Why did A(i) fall so sharply?"}, follow=True)
    # Reopened, it is a working paper again: the reviewer lands on the list, told why.
    assert response.redirect_chain == [(list_url(world.home), 302)]
    assert "Your query has been sent" in text(response)
    ret.refresh_from_db()
    assert ret.status == Status.DRAFT
    assert ret.open_query.kind == ReturnEvent.Kind.QUERIED
    officer = signed_in(world.person("officer"))
    for page in ("return_tasks", "return_detail"):
        html = text(officer.get(page_url(page, ret)))
        assert "Query from the PCC office" in html
        assert "Why did A(i) fall so sharply?" in html
    # Once answered and approved again, the query is closed.
    complete(ret, world.person("officer"), summary="The fall follows a new recording rule.")
    performance_return_submit(performance_return=ret, by=world.person("officer"))
    performance_return_approve(performance_return=ret, by=world.person("manager"))
    html = text(officer.get(page_url("return_detail", ret)))
    assert "Query from the PCC office" not in html
    assert "Why did A(i) fall so sharply?" in html  # still in the history


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("manager", 403), ("scrutiny", 403), ("panel_member", 403), ("other_area_pcc", 404)],
)
def test_people_who_may_not_query(world, persona, expected):
    ret = approved_return(world)
    response = signed_in(world.person(persona)).post(
        page_url("return_query", ret), {"comment": "Why?"}
    )
    assert response.status_code == expected
    ret.refresh_from_db()
    assert ret.status == Status.APPROVED


def test_only_an_approved_return_can_be_queried(world):
    ret = submitted_return(world)
    response = signed_in(world.person("pcc_reviewer")).get(page_url("return_query", ret))
    # A submitted return is a working paper: the PCC office cannot see it at all.
    assert response.status_code == 403


# Versions -----------------------------------------------------------------------------------


def test_versions_are_listed_and_compared_with_accessible_word_changes(world):
    ret = resubmitted_return(world)
    client = signed_in(world.person("manager"))
    html = text(client.get(page_url("return_versions", ret)))
    assert "Version 1" in html
    assert "Version 2" in html
    compare = page_url("return_compare", ret) + "?from=1&amp;to=2"
    assert compare in html
    html = text(client.get(page_url("return_compare", ret), {"from": 1, "to": 2}))
    assert "Changes from version 1 to version 2" in html
    assert "Value for the quarter" in html
    assert ">90<" in html
    assert ">80<" in html
    assert "Summary narrative" in html


def test_long_text_changes_are_shown_as_a_word_diff_with_words_for_screen_readers(world):
    ret = draft_return(world)
    officer = world.person("officer")
    complete(
        ret,
        officer,
        summary="Priority crime figures remain low for the second quarter of the year.",
    )
    performance_return_submit(performance_return=ret, by=officer)
    from performance.services import performance_return_send_back

    performance_return_send_back(performance_return=ret, by=world.person("manager"), comment="More")
    complete(
        ret,
        officer,
        summary="Priority crime figures remain very low for the second quarter of the year.",
    )
    performance_return_submit(performance_return=ret, by=officer)
    html = text(
        signed_in(world.person("manager")).get(
            page_url("return_compare", ret), {"from": 1, "to": 2}
        )
    )
    assert '<ins><span class="govuk-visually-hidden">[added: </span>very' in html
    assert "Words removed and added" in html


def test_comparing_a_version_with_itself_or_a_missing_one_is_an_error(world):
    ret = resubmitted_return(world)
    client = signed_in(world.person("manager"))
    html = text(client.get(page_url("return_compare", ret), {"from": 2, "to": 2}))
    assert "Choose two different versions to compare" in html
    html = text(client.get(page_url("return_compare", ret), {"from": 1, "to": 7}))
    assert "Choose one of the submitted versions" in html


# The whole cycle through the pages -------------------------------------------------------------


def test_the_whole_workflow_through_the_pages(world, officer, manager):
    ret = draft_return(world, priorities=1, measures=1)
    officer_client, manager_client = signed_in(officer), signed_in(manager)
    pcc_client = signed_in(world.person("pcc_reviewer"))
    section = section_of(ret)

    def fill(summary):
        section.refresh_from_db()
        officer_client.post(
            page_url("return_section", ret, priority="A"),
            section_form_data(
                section,
                {"(i)": {"value": "95"}},
                summary=summary,
                milestones_reached="Reached",
                milestones_missed="None",
                prospects="Good",
                assessed_rag="green",
            ),
        )

    fill("First go")
    officer_client.post(page_url("return_submit", ret))
    manager_client.post(
        page_url("return_sign_off", ret), {"decision": "return", "comment": "Say more."}
    )
    fill("Second go, with more detail")
    officer_client.post(page_url("return_submit", ret))
    manager_client.post(page_url("return_sign_off", ret), {"decision": "approve"})
    html = text(pcc_client.get(page_url("return_detail", ret)))
    assert "Second go, with more detail" in html
    pcc_client.post(page_url("return_query", ret), {"comment": "Source of the figure?"})
    fill("Third go: the figure is from the police")
    officer_client.post(page_url("return_submit", ret))
    manager_client.post(page_url("return_sign_off", ret), {"decision": "approve"})
    ret.refresh_from_db()
    assert ret.status == Status.APPROVED
    assert [e.kind for e in ret.events.all()] == [
        "started",
        "submitted",
        "returned",
        "submitted",
        "approved",
        "queried",
        "submitted",
        "approved",
    ]
    assert ret.versions.count() == 3


# Query counts ---------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page", ["return_detail", "return_tasks", "return_section", "return_submit"]
)
def test_return_pages_run_a_bounded_number_of_queries_whatever_their_size(world, page):
    small = draft_return(world, priorities=2, measures=4)
    complete(small, world.person("officer"))
    large_partnership = world.neighbour
    adopted_plan(large_partnership, priorities=6, measures=4)
    large_officer = UserFactory(email="large.officer@example.org")
    grant(large_officer, "officer", partnership=large_partnership)
    large = started_return(large_partnership, large_officer)
    complete(large, large_officer)
    for ret in (small, large):
        ret.events.create(kind=ReturnEvent.Kind.RETURNED, comment="More", by=large_officer)
    extra = {"priority": "A"} if page == "return_section" else {}
    counts, cached_counts = [], []
    for ret, user in ((small, world.person("officer")), (large, large_officer)):
        client = signed_in(user)
        client.get(page_url(page, ret, **extra))  # warm the session
        cache.clear()  # nothing of the page cached: the cost of building it
        counts.append(_count(client, page_url(page, ret, **extra)))
        cached_counts.append(_count(client, page_url(page, ret, **extra)))
    assert counts[0] == counts[1], counts
    assert cached_counts[0] == cached_counts[1], cached_counts
    assert counts[0] <= 15, counts
    if page == "return_detail":
        # The read view's priorities come from the cache the second time.
        assert cached_counts[0] < counts[0], (counts, cached_counts)


def test_the_read_view_shows_a_saved_change_at_once(world):
    """The cached priorities are keyed on the return's updated_at, which a save moves on."""
    ret = draft_return(world, priorities=1, measures=1)
    officer = world.person("officer")
    client = signed_in(officer)
    before = client.get(page_url("return_detail", ret)).content.decode()
    section = section_of(ret)
    mv = section.values.get()
    return_section_save(
        section=section,
        revision=section.revision,
        fields={"summary": "A brand new summary"},
        values={mv.pk: {"value": Decimal("7777"), "no_data": False}},
        by=officer,
    )
    after = client.get(page_url("return_detail", ret)).content.decode()
    assert "A brand new summary" not in before
    assert "7,777" not in before
    assert "A brand new summary" in after
    assert "7,777" in after


def test_the_returns_list_runs_a_bounded_number_of_queries(world, officer):
    adopted_plan(world.home, first_year=2013, last_year=2015)
    client = signed_in(officer)
    started_return(world.home, officer, quarter=1)
    client.get(list_url(world.home))
    few = _count(client, list_url(world.home))
    for quarter in (2, 3, 4):
        started_return(world.home, officer, quarter=quarter)
    many = _count(client, list_url(world.home))
    assert few == many <= 15
