"""Every workflow transition of a quarterly return, and who may and may not make it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from performance.models import PerformanceReturn, ReturnEvent
from performance.services import (
    ConcurrentEditError,
    performance_return_approve,
    performance_return_query,
    performance_return_send_back,
    performance_return_start,
    performance_return_submit,
    reporting_period_get,
    return_section_save,
)
from tests.performance.builders import adopted_plan, started_return

Status = PerformanceReturn.Status


def complete(ret, by, value=Decimal(90)):
    """Fill every section so the return can be submitted."""
    for section in ret.sections.all():
        section.refresh_from_db()
        return_section_save(
            section=section,
            revision=section.revision,
            fields={
                "summary": "Priority crime is below target.",
                "milestones_reached": "Action plan agreed.",
                "milestones_missed": "None.",
                "prospects": "Likely to be achieved.",
                "assessed_rag": "green",
                "rag_statement": "",
                "rag_justification": "",
            },
            values={mv.pk: {"value": value, "no_data": False} for mv in section.values.all()},
            by=by,
        )


@pytest.fixture
def ret(world):
    adopted_plan(world.home)
    return started_return(world.home, world.person("officer"))


def test_it_starts_a_return_with_a_section_per_priority_and_targets_prefilled(ret):
    assert ret.status == Status.DRAFT
    sections = list(ret.sections.order_by("order"))
    assert [s.priority.code for s in sections] == ["A", "B"]
    assert all(mv.target == Decimal(100) for s in sections for mv in s.values.all())
    assert ret.events.get().kind == ReturnEvent.Kind.STARTED


def test_starting_a_return_records_who_created_each_measure_value(world, ret):
    from performance.models import MeasureValue

    values = MeasureValue.objects.filter(section__performance_return=ret)
    created = MeasureValue.history.filter(history_type="+", section_id__in=ret.sections.all())
    assert values.count() == 4  # two priorities with two measures each
    assert sorted(h.id for h in created) == sorted(v.pk for v in values)
    assert {h.history_user for h in created} == {world.person("officer")}


def test_only_one_return_per_quarter(world, ret):
    with pytest.raises(ValidationError, match="already been started"):
        started_return(world.home, world.person("officer"))


def test_it_needs_an_adopted_plan_covering_the_quarter(world):
    with pytest.raises(ValidationError, match="no adopted plan"):
        started_return(world.home, world.person("officer"))
    adopted_plan(world.home, first_year=2013, last_year=2015)
    with pytest.raises(ValidationError, match="does not cover"):
        started_return(world.home, world.person("officer"), financial_year=2016)


@pytest.mark.parametrize(
    "persona", ["viewer", "scrutiny", "pcc_reviewer", "dhr_panel", "other_partnership"]
)
def test_people_who_cannot_start_a_return(world, persona):
    adopted_plan(world.home)
    period = reporting_period_get(financial_year=2013, quarter=1)
    with pytest.raises(PermissionDenied):
        performance_return_start(partnership=world.home, period=period, by=world.person(persona))


def test_it_refuses_to_submit_an_incomplete_return(world, ret):
    with pytest.raises(ValidationError) as excinfo:
        performance_return_submit(performance_return=ret, by=world.person("officer"))
    assert any("Enter a value for" in m for m in excinfo.value.messages)
    ret.refresh_from_db()
    assert ret.status == Status.DRAFT


def test_the_full_cycle_submit_return_resubmit_approve_query(world, ret):
    officer, manager, pcc = (
        world.person("officer"),
        world.person("manager"),
        world.person("pcc_reviewer"),
    )
    complete(ret, officer)
    performance_return_submit(performance_return=ret, by=officer)
    ret.refresh_from_db()
    assert ret.status == Status.SUBMITTED
    assert ret.versions.count() == 1

    # Submitted returns are locked.
    section = ret.sections.first()
    with pytest.raises(PermissionDenied):
        return_section_save(
            section=section,
            revision=section.revision,
            fields={"summary": "x"},
            values={},
            by=officer,
        )

    with pytest.raises(ValidationError):
        performance_return_send_back(performance_return=ret, by=manager, comment="  ")
    performance_return_send_back(
        performance_return=ret, by=manager, comment="Please explain the Q1 rise."
    )
    ret.refresh_from_db()
    assert ret.status == Status.DRAFT

    complete(ret, officer, value=Decimal(80))
    performance_return_submit(performance_return=ret, by=officer)
    performance_return_approve(performance_return=ret, by=manager)
    ret.refresh_from_db()
    assert ret.status == Status.APPROVED
    assert ret.versions.count() == 2

    # Approved returns are frozen.
    section.refresh_from_db()
    with pytest.raises(PermissionDenied):
        return_section_save(
            section=section,
            revision=section.revision,
            fields={"summary": "x"},
            values={},
            by=officer,
        )

    performance_return_query(
        performance_return=ret, by=pcc, comment="Why did A(i) fall so sharply?"
    )
    ret.refresh_from_db()
    assert ret.status == Status.DRAFT
    assert ret.open_query.comment == "Why did A(i) fall so sharply?"
    assert [e.kind for e in ret.events.all()] == [
        "started",
        "submitted",
        "returned",
        "submitted",
        "approved",
        "queried",
    ]


def test_the_submitter_cannot_approve_their_own_return(world, ret):
    manager = world.person("manager")
    complete(ret, manager)
    performance_return_submit(performance_return=ret, by=manager)
    with pytest.raises(PermissionDenied, match="another manager"):
        performance_return_approve(performance_return=ret, by=manager)


@pytest.mark.parametrize(
    "persona", ["officer", "viewer", "scrutiny", "pcc_reviewer", "other_partnership"]
)
def test_people_who_cannot_approve_or_send_back(world, ret, persona):
    complete(ret, world.person("officer"))
    performance_return_submit(performance_return=ret, by=world.person("officer"))
    with pytest.raises(PermissionDenied):
        performance_return_approve(performance_return=ret, by=world.person(persona))
    with pytest.raises(PermissionDenied):
        performance_return_send_back(performance_return=ret, by=world.person(persona), comment="No")


@pytest.mark.parametrize(
    "persona", ["officer", "manager", "scrutiny", "panel_member", "other_area_pcc"]
)
def test_only_the_pcc_office_of_the_area_can_query(world, ret, persona):
    complete(ret, world.person("officer"))
    performance_return_submit(performance_return=ret, by=world.person("officer"))
    performance_return_approve(performance_return=ret, by=world.person("manager"))
    with pytest.raises(PermissionDenied):
        performance_return_query(performance_return=ret, by=world.person(persona), comment="?")


def test_a_stale_save_is_refused_and_changes_nothing(world, ret):
    alice, bob = world.person("officer"), world.person("manager")
    section = ret.sections.first()
    opened_at = section.revision
    return_section_save(
        section=section, revision=opened_at, fields={"summary": "Alice's text"}, values={}, by=alice
    )
    stale = type(section).objects.get(pk=section.pk)
    with pytest.raises(ConcurrentEditError, match="after you opened it"):
        return_section_save(
            section=stale, revision=opened_at, fields={"summary": "Bob's text"}, values={}, by=bob
        )
    section.refresh_from_db()
    assert section.summary == "Alice's text"


def test_a_different_assessment_needs_a_justification(world, ret):
    officer = world.person("officer")
    section = ret.sections.first()
    values = {mv.pk: {"value": Decimal(150), "no_data": False} for mv in section.values.all()}
    with pytest.raises(ValidationError) as excinfo:
        return_section_save(
            section=section,
            revision=section.revision,
            fields={"assessed_rag": "green"},
            values=values,
            by=officer,
        )
    assert "rag_justification" in excinfo.value.message_dict
    section.refresh_from_db()
    assert section.assessed_rag == ""  # nothing saved
    saved = return_section_save(
        section=section,
        revision=section.revision,
        fields={"assessed_rag": "green", "rag_justification": "Year to date is on target."},
        values=values,
        by=officer,
    )
    assert saved.suggested_rag == "red"
    assert saved.rag_statement.startswith("GREEN")


def test_no_data_needs_a_reason_and_no_value(world, ret):
    officer = world.person("officer")
    section = ret.sections.first()
    mv = section.values.first()
    with pytest.raises(ValidationError) as excinfo:
        return_section_save(
            section=section,
            revision=section.revision,
            fields={},
            values={mv.pk: {"value": Decimal(3), "no_data": True, "no_data_reason": ""}},
            by=officer,
        )
    assert set(excinfo.value.message_dict) == {
        f"value-{mv.pk}-value",
        f"value-{mv.pk}-no_data_reason",
    }
    return_section_save(
        section=section,
        revision=section.revision,
        fields={},
        values={
            mv.pk: {"value": None, "no_data": True, "no_data_reason": "Report no longer published"}
        },
        by=officer,
    )
    mv.refresh_from_db()
    assert mv.is_answered
    assert mv.calculated_rag == ""


def test_direction_of_travel_uses_last_quarter_across_returns(world, ret):
    officer, manager = world.person("officer"), world.person("manager")
    complete(ret, officer, value=Decimal(90))
    performance_return_submit(performance_return=ret, by=officer)
    performance_return_approve(performance_return=ret, by=manager)
    q2 = started_return(world.home, officer, quarter=2)
    section = q2.sections.first()
    mv = section.values.first()
    return_section_save(
        section=section,
        revision=section.revision,
        fields={},
        values={mv.pk: {"value": Decimal(120), "no_data": False}},
        by=officer,
    )
    mv.refresh_from_db()
    assert (mv.direction, mv.calculated_rag) == ("worsening", "red")
