"""Demo quarterly returns, played step by step through the performance services.

Each file in fixtures/demo/returns/ holds one partnership's returns against its adopted
plan (loaded first by demo.plans). A return is a list of steps, each on its
day of the demo clock, as the partnership's people would have taken them:

- ``start``: the officer opens the return (a section per priority, targets pre-filled);
- ``save``: the officer saves sections: the four questions, the overall assessment and
  the measure grid, by priority code and measure code (return_section_save, so the RAG
  is calculated and a justification is required where the assessment differs);
- ``submit``; ``send_back`` (with a comment); ``approve``; ``query`` (the PCC office).

A period is written "Q1 2013/14", or {"quarters_ago": 1} for a return that should stay
live (relative to the day the demo is loaded). A step's day is a date, or
{"days_after_quarter_end": 20} / {"days_after_quarter_start": 40}; no step is dated
after today. ``no_return_for`` lists quarters the partnership has not returned at all
(their reporting periods are made, so the overviews can show them as missing).

A return already there for the partnership and quarter is left as it is (it may have
been changed in the portal since): seeding again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from demo.base import (
    CREATED,
    SKIPPED,
    UNCHANGED,
    DemoDataError,
    LoadResult,
    demo_dir,
    read_demo_file,
)
from demo.clock import Timeline, demo_clock
from demo.scenes import (
    as_decimal,
    check_keys,
    explained,
    partnership_for,
    people_for,
)
from performance.models import (
    PerformanceReturn,
    ReportingPeriod,
    ReturnSection,
)
from performance.periods import period_containing, quarter_dates
from performance.services import (
    SECTION_FIELDS,
    VALUE_FIELDS,
    performance_return_approve,
    performance_return_query,
    performance_return_send_back,
    performance_return_start,
    performance_return_submit,
    reporting_period_get,
    return_section_save,
)
from priorities.models import Plan, financial_year_label

if TYPE_CHECKING:
    from accounts.models import User
    from partnerships.models import Partnership

FILE_KEYS = ("partnership", "people", "plan", "returns", "no_return_for")
RETURN_KEYS = ("period", "steps")
STEP_KEYS = ("do", "on", "by", "comment", "sections")
# Who takes each step unless the step says otherwise (a key of the file's "people").
DEFAULT_ACTOR = {
    "start": "officer",
    "save": "officer",
    "submit": "officer",
    "send_back": "manager",
    "approve": "manager",
    "query": "pcc",
}
_PERIOD = re.compile(r"^Q([1-4]) (\d{4})/(\d{2})$")


def return_files() -> list[str]:
    return [f"returns/{p.name}" for p in sorted((demo_dir() / "returns").glob("*.json"))]


def load_returns() -> LoadResult:
    result = LoadResult("Quarterly returns")
    today = timezone.localdate()
    for name in return_files():
        _load_return_file(name, read_demo_file(name), result, today)
    return result


def period_key(source: str, spec: Any, today: dt.date) -> tuple[int, int]:
    """ "Q2 2013/14" -> (2013, 2); {"quarters_ago": 1} -> the quarter before today's."""
    if isinstance(spec, dict):
        check_keys(source, spec, ("quarters_ago",))
        year, quarter = period_containing(today)
        index = year * 4 + (quarter - 1) - int(spec["quarters_ago"])
        return index // 4, index % 4 + 1
    match = _PERIOD.match(spec)
    if not match or (int(match[2]) + 1) % 100 != int(match[3]):
        raise DemoDataError(f"{source}: {spec!r} is not a quarter such as Q2 2013/14")
    return int(match[2]), int(match[1])


def step_day(source: str, spec: Any, key: tuple[int, int], today: dt.date) -> dt.date:
    if isinstance(spec, str):
        return dt.date.fromisoformat(spec)
    check_keys(source, spec, ("days_after_quarter_start", "days_after_quarter_end"))
    starts_on, ends_on = quarter_dates(*key)
    if "days_after_quarter_start" in spec:
        day = starts_on + dt.timedelta(days=spec["days_after_quarter_start"])
    else:
        day = ends_on + dt.timedelta(days=spec["days_after_quarter_end"])
    return min(day, today)


def _load_return_file(
    source: str, data: dict[str, Any], result: LoadResult, today: dt.date
) -> None:
    check_keys(source, data, FILE_KEYS)
    partnership = partnership_for(source, data["partnership"])
    people = people_for(source, data["people"])
    existing = set(
        PerformanceReturn.objects.filter(partnership=partnership).values_list(
            "period__financial_year", "period__quarter"
        )
    )
    plan = None
    for entry in data["returns"]:
        check_keys(source, entry, RETURN_KEYS)
        key = period_key(source, entry["period"], today)
        if key in existing:
            result.count("returns", UNCHANGED)
            continue
        if plan is None:
            plan = _adopted_plan(source, partnership, data["plan"])
        if not plan.covers(key[0]):
            result.count("returns", SKIPPED)  # a live return before the plan's first year
            continue
        where = f"{source}: Q{key[1]} {financial_year_label(key[0])}"
        _play(where, partnership, key, entry["steps"], people, today)
        result.count("returns", CREATED)
    for spec in data.get("no_return_for", []):
        key = period_key(source, spec, today)
        if ReportingPeriod.objects.filter(financial_year=key[0], quarter=key[1]).exists():
            # Left as it is, even if someone has since made that return in the portal.
            result.count("quarters left without a return", UNCHANGED)
            continue
        with demo_clock(Timeline().at(quarter_dates(*key)[1])):
            reporting_period_get(financial_year=key[0], quarter=key[1])
        result.count("quarters left without a return", CREATED)


def _adopted_plan(source: str, partnership: Partnership, title: str) -> Plan:
    plan = partnership.plans.filter(status=Plan.Status.ADOPTED).first()
    if plan is None or plan.title != title:
        raise DemoDataError(
            f"{source}: the returns are made against {title!r}, which must be the "
            f"partnership's adopted plan (see fixtures/demo/plans/)"
        )
    return plan


def _play(
    where: str,
    partnership: Partnership,
    key: tuple[int, int],
    steps: list[dict[str, Any]],
    people: dict[str, User],
    today: dt.date,
) -> None:
    timeline = Timeline()
    ret: PerformanceReturn | None = None
    for number, step in enumerate(steps, start=1):
        here = f"{where} step {number} ({step.get('do')})"
        check_keys(here, step, STEP_KEYS)
        kind = step["do"]
        if kind not in DEFAULT_ACTOR:
            raise DemoDataError(f"{here}: unknown step; use one of {', '.join(DEFAULT_ACTOR)}")
        actor = step.get("by", DEFAULT_ACTOR[kind])
        if actor not in people:
            raise DemoDataError(f"{here}: the file's people have no {actor!r}")
        by = people[actor]
        if (ret is None) != (kind == "start"):
            raise DemoDataError(f"{here}: a return starts with one 'start' step")
        moment = timeline.at(step_day(here, step["on"], key, today))
        with demo_clock(moment), explained(here):
            if kind == "start":
                period = reporting_period_get(financial_year=key[0], quarter=key[1])
                ret = performance_return_start(partnership=partnership, period=period, by=by)
            elif kind == "save":
                _save_sections(here, ret, step["sections"], by)
            elif kind == "submit":
                ret = performance_return_submit(performance_return=ret, by=by)
            elif kind == "send_back":
                ret = performance_return_send_back(
                    performance_return=ret, by=by, comment=step["comment"]
                )
            elif kind == "approve":
                ret = performance_return_approve(
                    performance_return=ret, by=by, comment=step.get("comment", "")
                )
            elif kind == "query":
                ret = performance_return_query(
                    performance_return=ret, by=by, comment=step["comment"]
                )


def _save_sections(
    where: str, ret: PerformanceReturn | None, sections: dict[str, Any], by: User
) -> None:
    by_code = {
        s.priority.code: s
        for s in ReturnSection.objects.filter(performance_return=ret)
        .select_related("priority")
        .prefetch_related("values__measure")
    }
    for code, content in sections.items():
        here = f"{where} priority {code}"
        section = by_code.get(code)
        if section is None:
            raise DemoDataError(f"{here}: the plan has no such priority")
        check_keys(here, content, (*SECTION_FIELDS, "values"))
        rows = {mv.measure.code: mv for mv in section.values.all()}
        values: dict[int, dict[str, Any]] = {}
        for measure_code, entered in content.get("values", {}).items():
            if measure_code not in rows:
                raise DemoDataError(f"{here}: the priority has no measure {measure_code}")
            check_keys(f"{here} {measure_code}", entered, VALUE_FIELDS)
            values[rows[measure_code].pk] = {
                name: as_decimal(v) if name in ("value", "ytd_value", "national_comparator") else v
                for name, v in entered.items()
            }
        with explained(here):
            return_section_save(
                section=section,
                revision=section.revision,
                fields={k: v for k, v in content.items() if k in SECTION_FIELDS},
                values=values,
                by=by,
            )
