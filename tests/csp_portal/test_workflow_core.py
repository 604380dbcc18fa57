"""The workflow core (csp_portal.lib.workflow), through the real return and plan tables
and through tables declared here on the real models (no test-only model needed).

- a table with a mistake in it is refused when it is declared;
- a transition from a state not in its ``source`` is refused with a reason, even when the
  rule allows it, and nothing is written;
- every transition records its event with from and to state, who and the comment;
- two transitions of the same row from two database connections: the second waits for
  the first's row lock, then sees the new state and is refused.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection, transaction

from csp_portal.lib.decisions import Decision
from csp_portal.lib.workflow import Transition, Workflow
from performance.models import PerformanceReturn, ReturnEvent, ReturnVersion
from performance.services import (
    RETURN_WORKFLOW,
    performance_return_approve,
    performance_return_query,
    performance_return_send_back,
    performance_return_submit,
)
from priorities.models import Plan, PlanEvent
from priorities.services import PLAN_WORKFLOW, plan_adopt, plan_refresh
from tests.performance.builders import adopted_plan, started_return
from tests.performance.test_workflow import complete
from tests.priorities.factories import PlanFactory, PriorityFactory

Status = PerformanceReturn.Status


def anyone(user, obj) -> Decision:
    return Decision.allow()


def table(*transitions: Transition, **kwargs) -> Workflow:
    options = {
        "model": PerformanceReturn,
        "event_model": ReturnEvent,
        "event_object": "performance_return",
    } | kwargs
    return Workflow(transitions=transitions, **options)


def approve(**kwargs) -> Transition:
    fields = {
        "name": "approve",
        "source": [Status.SUBMITTED],
        "target": Status.APPROVED,
        "rule": anyone,
        "event": ReturnEvent.Kind.APPROVED,
    } | kwargs
    return Transition(**fields)


# The table's own validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"source": ["archived"]}, "unknown states ['archived']"),
        ({"target": "published"}, "unknown states ['published']"),
        ({"source": []}, "no source state"),
        ({"event": "signed"}, "'signed' is not an event kind"),
        ({"stamp": "status"}, "'status' is not a date or date-time"),
        ({"stamp": "signed_at"}, "has no field 'signed_at'"),
        ({"person": "period"}, "'period' is not a user"),
        ({"clear": ("partnership",)}, "'partnership' cannot be cleared"),
        ({"event_link": "submitted_by"}, "'submitted_by' is not a foreign key to the event"),
        ({"rule": "can_approve_return"}, "the rule is not callable"),
    ],
)
def test_a_table_with_a_mistake_is_refused_when_it_is_declared(change, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("[", r"\[").replace("]", r"\]")):
        table(approve(**change))


def test_a_table_must_name_its_event_model_and_link_correctly():
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        table(approve(), approve())
    with pytest.raises(ImproperlyConfigured, match="must inherit WorkflowEvent"):
        table(approve(), event_model=ReturnVersion)
    with pytest.raises(ImproperlyConfigured, match="not a foreign key to PerformanceReturn"):
        table(approve(), event_object="version")
    with pytest.raises(ImproperlyConfigured, match="has no transition 'publish'"):
        table(approve())["publish"]


def test_the_real_tables_are_declared_as_the_docs_say():
    assert list(RETURN_WORKFLOW.transitions) == ["submit", "send_back", "approve", "query"]
    assert RETURN_WORKFLOW["query"].source == (Status.APPROVED,)
    assert list(PLAN_WORKFLOW.transitions) == ["adopt", "supersede"]


# Refusals ------------------------------------------------------------------------------


@pytest.fixture
def ret(world):
    adopted_plan(world.home)
    return started_return(world.home, world.person("officer"))


def test_a_state_not_in_source_is_refused_with_the_reason_even_if_the_rule_allows(world, ret):
    loose = table(approve(label="approve"))
    decision = loose.decide("approve", ret, world.person("viewer"))
    assert not decision
    assert decision.reason == "You cannot approve this performance return: it is draft."

    with pytest.raises(PermissionDenied, match="it is draft"):
        loose.apply("approve", ret, by=world.person("viewer"))
    ret.refresh_from_db()
    assert ret.status == Status.DRAFT
    assert list(ret.events.values_list("kind", flat=True)) == ["started"]


def test_the_rule_is_asked_first_and_its_reason_is_given(world, ret):
    decision = RETURN_WORKFLOW.decide("approve", ret, world.person("manager"))
    assert decision.reason == "Only a return awaiting sign-off can be approved."


def test_a_refused_validation_writes_nothing(world, ret):
    with pytest.raises(ValidationError):
        performance_return_submit(performance_return=ret, by=world.person("officer"))
    assert list(ret.events.values_list("kind", flat=True)) == ["started"]
    assert not ret.versions.exists()


def test_a_required_comment_is_asked_for_on_the_comment_field(world, ret):
    complete(ret, world.person("officer"))
    performance_return_submit(performance_return=ret, by=world.person("officer"))
    with pytest.raises(ValidationError) as excinfo:
        performance_return_send_back(
            performance_return=ret, by=world.person("manager"), comment=" "
        )
    assert excinfo.value.message_dict == {
        "comment": ["Say what needs to change before the return can be approved"]
    }


def test_allowed_lists_what_the_person_may_do_now(world, ret):
    complete(ret, world.person("officer"))
    ret = performance_return_submit(performance_return=ret, by=world.person("officer"))
    assert [t.name for t in RETURN_WORKFLOW.allowed(ret, world.person("manager"))] == [
        "send_back",
        "approve",
    ]
    assert RETURN_WORKFLOW.allowed(ret, world.person("officer")) == []


# What a transition writes ------------------------------------------------------------------


def test_each_return_transition_records_from_and_to_state_who_and_the_comment(world, ret):
    officer, manager, pcc = (world.person(p) for p in ("officer", "manager", "pcc_reviewer"))
    complete(ret, officer)
    submitted = performance_return_submit(performance_return=ret, by=officer)
    # The object returned is the locked, saved row; the caller's instance is brought up to date.
    assert (submitted.status, submitted.submitted_by) == (Status.SUBMITTED, officer)
    assert submitted.submitted_at is not None
    assert ret.status == Status.SUBMITTED
    performance_return_send_back(performance_return=ret, by=manager, comment=" Say more. ")
    complete(ret, officer, value=Decimal(80))
    performance_return_submit(performance_return=ret, by=officer)
    performance_return_approve(performance_return=ret, by=manager)
    performance_return_query(performance_return=ret, by=pcc, comment="Why?")

    rows = list(ret.events.values_list("kind", "from_state", "to_state", "by", "comment"))
    assert rows == [
        ("started", "", "draft", officer.pk, ""),
        ("submitted", "draft", "submitted", officer.pk, ""),
        ("returned", "submitted", "draft", manager.pk, "Say more."),
        ("submitted", "draft", "submitted", officer.pk, ""),
        ("approved", "submitted", "approved", manager.pk, ""),
        ("queried", "approved", "draft", pcc.pk, "Why?"),
    ]
    ret.refresh_from_db()
    assert ret.open_query == ret.events.last()
    versions = [e.version.number for e in ret.events.filter(kind="submitted")]
    assert versions == [1, 2]
    # The change history has the person of each save.
    assert ret.history.first().history_user == pcc


def test_adopting_a_plan_records_it_and_supersedes_the_current_one(world):
    manager = world.person("manager")
    old = adopted_plan(world.home)
    new = plan_refresh(plan=old, by=manager)

    returned = plan_adopt(plan=new, by=manager)

    assert new.status == returned.status == Plan.Status.ADOPTED
    assert (new.adopted_by, new.adopted_on) == (manager, returned.adopted_on)
    old.refresh_from_db()
    assert old.status == Plan.Status.SUPERSEDED
    events = PlanEvent.objects.order_by("id").values_list("plan", "kind", "from_state", "to_state")
    assert list(events) == [
        (old.pk, "superseded", "adopted", "superseded"),
        (new.pk, "adopted", "draft", "adopted"),
    ]
    assert {e.by for e in PlanEvent.objects.all()} == {manager}


def test_a_plan_without_priorities_is_not_adopted(world):
    plan = PlanFactory(partnership=world.home)
    with pytest.raises(ValidationError, match="at least one priority"):
        plan_adopt(plan=plan, by=world.person("manager"))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert not PlanEvent.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "viewer", "pcc_reviewer", "other_partnership"])
def test_only_a_manager_adopts(world, persona):
    plan = PlanFactory(partnership=world.home)
    PriorityFactory(plan=plan)
    with pytest.raises(PermissionDenied):
        plan_adopt(plan=plan, by=world.person(persona))


# Two connections, one row ------------------------------------------------------------------


def _race(first, second) -> BaseException | object:
    """Run ``first`` in this thread's transaction and, while it holds its row lock,
    ``second`` on another thread (its own database connection). Once the second is seen
    waiting for the lock, the first commits. Returns what the second returned or raised."""
    outcome: dict[str, object] = {}
    started = threading.Event()

    def run_second() -> None:
        try:
            connection.ensure_connection()
            outcome["pid"] = connection.connection.info.backend_pid
            started.set()
            outcome["result"] = second()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["result"] = exc
        finally:
            started.set()
            connection.close()

    with transaction.atomic():
        first()
        thread = threading.Thread(target=run_second)
        thread.start()
        started.wait()
        _wait_until_waiting_for_a_lock(outcome.get("pid"), thread)
    thread.join()
    return outcome["result"]


def _wait_until_waiting_for_a_lock(pid, thread) -> None:
    """Poll PostgreSQL until the other connection waits on a lock (not a timing test:
    the loop only ends early; it gives up after a generous deadline on a stuck run)."""
    deadline = time.monotonic() + 120
    while thread.is_alive() and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            return
        time.sleep(0.05)
    raise AssertionError("the second transition never waited for the row lock")


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_the_second_waits_then_sees_the_approval(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    officer, manager = world.person("officer"), world.person("manager")
    adopted_plan(world.home)
    ret = started_return(world.home, officer)
    complete(ret, officer)
    performance_return_submit(performance_return=ret, by=officer)
    stale = PerformanceReturn.objects.get(pk=ret.pk)  # both requests read "submitted"

    second = _race(
        lambda: performance_return_approve(performance_return=ret, by=manager, comment="One"),
        lambda: performance_return_send_back(performance_return=stale, by=manager, comment="Two"),
    )

    assert isinstance(second, PermissionDenied)
    assert str(second) == "Only a return awaiting sign-off can be returned."
    ret.refresh_from_db()
    assert ret.status == Status.APPROVED
    assert list(ret.events.values_list("kind", flat=True)) == ["started", "submitted", "approved"]


@pytest.mark.django_db(transaction=True)
def test_two_adoptions_of_one_draft_at_once_adopt_it_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    manager = world.person("manager")
    plan = PlanFactory(partnership=world.home)
    PriorityFactory(plan=plan)
    stale = Plan.objects.get(pk=plan.pk)

    second = _race(
        lambda: plan_adopt(plan=plan, by=manager), lambda: plan_adopt(plan=stale, by=manager)
    )

    assert isinstance(second, PermissionDenied)
    assert str(second) == "Only a draft plan can be adopted."
    assert list(PlanEvent.objects.values_list("kind", flat=True)) == ["adopted"]
