"""Demo plans: priorities, measures, targets and actions, built through the services.

Each file in fixtures/demo/plans/ holds one partnership's plan (see its "_about" and
"_source"). The loader plays the plan's story on the demo clock, as the people of the
partnership would have done it in the portal:

1. on ``drafted_on`` the officer creates the plan, its priorities (aligned to the force
   area's Police and Crime Plan objectives), measures with their yearly and quarterly
   targets, and actions (priorities.services);
2. on ``adopted_on`` the manager adopts it (left a draft if there is no such date);
3. on ``actions_reviewed_on`` the officer records each action's progress (status, RAG,
   note), as on the adopted plan all year.

A plan that is already there (same partnership, title and years) is left exactly as it
is, whatever happened to it in the portal since: seeding again changes nothing. To load
an edited plan file, start from an empty database.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from demo.base import (
    CREATED,
    UNCHANGED,
    DemoDataError,
    LoadResult,
    demo_dir,
    read_demo_file,
)
from demo.clock import Timeline, demo_clock
from demo.scenes import (
    as_date,
    as_decimal,
    check_keys,
    explained,
    partnership_for,
    people_for,
)
from partnerships.models import Board, Organisation, Partnership, PoliceAndCrimeObjective
from priorities.models import Action, Measure, Plan, Priority
from priorities.services import (
    action_create,
    action_update,
    measure_create,
    measure_targets_set,
    plan_adopt,
    plan_create,
    priority_create,
)

if TYPE_CHECKING:
    from accounts.models import User

FILE_KEYS = ("partnership", "people", "default_tolerance_percent", "plan")
PLAN_KEYS = (
    "title",
    "first_year",
    "last_year",
    "summary",
    "drafted_on",
    "adopted_on",
    "actions_reviewed_on",
    "priorities",
)
PRIORITY_KEYS = (
    "code",
    "title",
    "description",
    "sponsor",
    "lead_officer",
    "objectives",
    "measures",
    "actions",
)
MEASURE_FIELDS = Measure.CONTENT_FIELDS
ACTION_KEYS = (
    "description",
    "lead_organisation",
    "lead_board",
    "lead_text",
    "deadline",
    "deadline_date",
    "progress",
)
PROGRESS_KEYS = Action.PROGRESS_FIELDS

_MONTH_YEAR = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{4})\b", re.IGNORECASE
)
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def deadline_from_text(text: str) -> dt.date | None:
    """ "March 2018", "Sep 2013", "March 2014 (Reviewed annually)", "To March 2018" ->
    the last day of that month; "Quarterly", "Ongoing", "TBC" -> None."""
    matches = _MONTH_YEAR.findall(text)
    if not matches:
        return None
    month, year = _MONTHS[matches[-1][0].lower()], int(matches[-1][1])
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def financial_year(source: str, label: str) -> int:
    """ "2013/14" -> 2013."""
    match = _FINANCIAL_YEAR.match(label)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise DemoDataError(f"{source}: {label!r} is not a financial year such as 2013/14")
    return int(match[1])


def plan_files() -> list[str]:
    return [f"plans/{p.name}" for p in sorted((demo_dir() / "plans").glob("*.json"))]


def load_plans() -> LoadResult:
    result = LoadResult("Plans")
    for name in plan_files():
        _load_plan_file(name, read_demo_file(name), result)
    return result


def _load_plan_file(source: str, data: dict[str, Any], result: LoadResult) -> None:
    check_keys(source, data, FILE_KEYS)
    partnership = partnership_for(source, data["partnership"])
    people = people_for(source, data["people"])
    spec = data["plan"]
    check_keys(source, spec, PLAN_KEYS)
    if partnership.plans.filter(
        title=spec["title"], first_year=spec["first_year"], last_year=spec["last_year"]
    ).exists():
        result.count("plans", UNCHANGED)
        return

    officer, manager = people["officer"], people["manager"]
    timeline = Timeline()
    lookups = _Lookups(source, partnership)
    tolerance = data.get("default_tolerance_percent")
    progress: list[tuple[Action, dict[str, Any]]] = []
    with demo_clock(timeline.at(as_date(spec["drafted_on"]))), explained(source):
        plan = plan_create(
            partnership=partnership,
            title=spec["title"],
            first_year=spec["first_year"],
            last_year=spec["last_year"],
            summary=spec.get("summary", ""),
            by=officer,
        )
        for order, entry in enumerate(spec["priorities"]):
            progress += _build_priority(source, plan, order, entry, lookups, tolerance, officer)
    result.count("plans", CREATED)
    for entry in spec["priorities"]:
        result.count("priorities", CREATED)
        for what in ("measures", "actions"):
            for _ in entry.get(what, []):
                result.count(what, CREATED)

    if spec.get("adopted_on"):
        with demo_clock(timeline.at(as_date(spec["adopted_on"]))), explained(source):
            plan_adopt(plan=plan, by=manager)
    if progress:
        if not spec.get("actions_reviewed_on"):
            raise DemoDataError(f"{source}: actions have progress but no actions_reviewed_on")
        with demo_clock(timeline.at(as_date(spec["actions_reviewed_on"]))), explained(source):
            for action, data_ in progress:
                action_update(action=action, data=data_, by=officer)


class _Lookups:
    """Organisations, the partnership's boards and its force area's objectives, by name."""

    def __init__(self, source: str, partnership: Partnership) -> None:
        self.source = source
        self.organisations = {o.name: o for o in Organisation.objects.all()}
        self.boards = {b.name: b for b in Board.objects.filter(partnership=partnership)}
        self.objectives = {
            o.code: o
            for o in PoliceAndCrimeObjective.objects.filter(force_area=partnership.force_area_id)
        }

    def organisation(self, name: str | None) -> Organisation | None:
        if not name:
            return None
        if name not in self.organisations:
            raise DemoDataError(f"{self.source}: {name!r} is not in organisations.json")
        return self.organisations[name]

    def board(self, name: str | None) -> Board | None:
        if not name:
            return None
        if name not in self.boards:
            raise DemoDataError(f"{self.source}: the partnership has no board {name!r}")
        return self.boards[name]

    def objective(self, code: str) -> PoliceAndCrimeObjective:
        if code not in self.objectives:
            raise DemoDataError(
                f"{self.source}: no Police and Crime Plan objective {code!r} in the force area"
            )
        return self.objectives[code]


def _build_priority(
    source: str,
    plan: Plan,
    order: int,
    entry: dict[str, Any],
    lookups: _Lookups,
    tolerance: Any,
    by: User,
) -> list[tuple[Action, dict[str, Any]]]:
    where = f"{source}: priority {entry.get('code')}"
    check_keys(where, entry, PRIORITY_KEYS)
    priority = priority_create(
        plan=plan,
        data={
            "code": entry["code"],
            "title": entry["title"],
            "description": entry.get("description", ""),
            "sponsor": lookups.organisation(entry.get("sponsor")),
            "lead_officer": entry.get("lead_officer", ""),
            "order": order,
            "objectives": [lookups.objective(code) for code in entry.get("objectives", [])],
        },
        by=by,
    )
    for m_order, measure in enumerate(entry.get("measures", [])):
        _build_measure(
            f"{where} measure {measure.get('code')}", priority, m_order, measure, tolerance, by
        )
    progress = []
    for a_order, action in enumerate(entry.get("actions", [])):
        progress.append(_build_action(where, priority, a_order, action, lookups, by))
    return [(action, data) for action, data in progress if data]


def _build_measure(
    where: str, priority: Priority, order: int, entry: dict[str, Any], tolerance: Any, by: User
) -> None:
    check_keys(where, entry, (*MEASURE_FIELDS, "targets"))
    data: dict[str, Any] = {name: entry[name] for name in MEASURE_FIELDS if name in entry}
    for name in ("baseline_value", "national_comparator", "tolerance_percent"):
        if name in data:
            data[name] = as_decimal(data[name])
    if "tolerance_percent" not in data and tolerance is not None:
        data["tolerance_percent"] = as_decimal(tolerance)
    if "baseline_date" in data:
        data["baseline_date"] = as_date(data["baseline_date"])
    for name in ("baseline_label", "national_comparator_label", "data_owner", "target_text"):
        data[name] = data.get(name) or ""
    measure = measure_create(priority=priority, data={**data, "order": order}, by=by)
    for year_label, targets in entry.get("targets", {}).items():
        check_keys(f"{where} targets {year_label}", targets, ("year", "q1", "q2", "q3", "q4"))
        measure_targets_set(
            measure=measure,
            financial_year=financial_year(where, year_label),
            targets={period: as_decimal(value) for period, value in targets.items()},
            by=by,
        )


def _build_action(
    where: str, priority: Priority, order: int, entry: dict[str, Any], lookups: _Lookups, by: User
) -> tuple[Action, dict[str, Any]]:
    check_keys(f"{where} action {order + 1}", entry, ACTION_KEYS)
    text = entry.get("deadline", "")
    deadline = as_date(entry["deadline_date"]) if "deadline_date" in entry else None
    action = action_create(
        priority=priority,
        data={
            "description": entry["description"],
            "lead_organisation": lookups.organisation(entry.get("lead_organisation")),
            "lead_board": lookups.board(entry.get("lead_board")),
            "lead_text": entry.get("lead_text", ""),
            "deadline_text": text,
            "deadline_date": deadline or deadline_from_text(text),
            "order": order,
        },
        by=by,
    )
    progress = dict(entry.get("progress", {}))
    check_keys(f"{where} action {order + 1} progress", progress, PROGRESS_KEYS)
    if "completed_on" in progress:
        progress["completed_on"] = as_date(progress["completed_on"])
    if progress.get("status") == Action.Status.COMPLETE and "completed_on" not in progress:
        raise DemoDataError(f"{where} action {order + 1}: a complete action needs completed_on")
    return action, progress
