"""A synthetic national data set for the benchmark.

43 police force areas (the real ones, from the reference data), 300 partnerships spread
across them, and for each partnership four three-year plan versions (refreshed, the last
one adopted) of 6 priorities × 4 measures with quarterly targets and 3 actions per
priority, and 40 quarters of returns (10 years, Q3 2016/17 to Q2 2026/27): every section
filled in, RAG calculated with the portal's own rules, approved with a version and its
events, except the latest quarter, which is a mix of drafts (overdue by now), returns
awaiting sign-off and approved ones.

Rows are written with bulk_create for speed, so the synthetic rows have no change
history; people and their roles go through accounts.services like everywhere else.
(Over 450 lines: one builder, read top to bottom in the order it writes the tables.)
Deterministic: the same seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import role_grant_create
from benchmark.constants import PASSWORD, SLUG_PREFIX
from partnerships.models import ForceArea, Membership, Organisation, Partnership
from performance.models import (
    DEFAULT_RAG_STATEMENTS,
    MeasureValue,
    PerformanceReturn,
    Rag,
    ReportingPeriod,
    ReturnEvent,
    ReturnSection,
    ReturnVersion,
)
from performance.rag import calculate_rag, direction_of_travel, suggest_overall
from priorities.models import Action, Measure, MeasureTarget, Plan, Priority

PARTNERSHIPS = 300
PRIORITIES = 6
MEASURES = 4
ACTIONS = 3
FIRST_QUARTER = (2016, 3)
QUARTERS = 40
PLAN_BLOCKS = [(2016, 2018), (2019, 2021), (2022, 2024), (2025, 2027)]

PRIORITY_TITLES = [
    "Reduce the incidence of priority crime and anti-social behaviour",
    "Protect vulnerable people, particularly young people",
    "Protect people from the harm of domestic and sexual abuse",
    "Reduce the harm caused by drugs and alcohol",
    "Reduce re-offending",
    "Prevent serious violence and exploitation",
]
MEASURE_SHAPES = [
    (Measure.Unit.COUNT, Measure.Polarity.LOWER_IS_BETTER, Measure.TargetBasis.TOTAL),
    (Measure.Unit.PERCENTAGE, Measure.Polarity.HIGHER_IS_BETTER, Measure.TargetBasis.LEVEL),
    (Measure.Unit.RATE_PER_1000, Measure.Polarity.LOWER_IS_BETTER, Measure.TargetBasis.LEVEL),
    (Measure.Unit.COUNT, Measure.Polarity.HIGHER_IS_BETTER, Measure.TargetBasis.TOTAL),
]


def quarters() -> list[tuple[int, int]]:
    year, quarter = FIRST_QUARTER
    result = []
    for _ in range(QUARTERS):
        result.append((year, quarter))
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return result


@dataclass
class Built:
    partnerships: int = 0
    returns: int = 0
    values: int = 0
    users: dict[str, str] = field(default_factory=dict)


def _round(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def build(*, seed: int = 2026, partnerships: int = PARTNERSHIPS, stdout=None) -> Built:
    rng = random.Random(seed)
    say = stdout.write if stdout else (lambda *_: None)
    built = Built()
    call_command("load_reference_data", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    areas = list(ForceArea.objects.order_by("name"))
    if len(areas) != 43:
        raise RuntimeError("Expected the 43 force areas of the reference data")
    if Partnership.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        raise RuntimeError(
            "The benchmark data set is already there: build it into an empty database"
        )

    periods = {}
    for year, quarter in quarters():
        period, _ = ReportingPeriod.objects.get_or_create(financial_year=year, quarter=quarter)
        periods[(year, quarter)] = period
    password = make_password(PASSWORD)
    now = timezone.now()

    with transaction.atomic():
        # Partnerships, organisations and memberships ------------------------------
        partnership_rows = []
        for n in range(partnerships):
            area = areas[n % len(areas)]
            partnership_rows.append(
                Partnership(
                    name=f"Benchmark {area.name} Partnership {n + 1:03d}",
                    slug=f"{SLUG_PREFIX}{n + 1:03d}",
                    tier=rng.choice([Partnership.Tier.DISTRICT, Partnership.Tier.UNITARY]),
                    force_area=area,
                )
            )
        created = Partnership.objects.bulk_create(partnership_rows)
        built.partnerships = len(created)
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Benchmark council {p.slug}", type=Organisation.Type.LOCAL_AUTHORITY
                )
                for p in created
            ]
            + [
                Organisation(name=f"Benchmark {kind.label} {area.name}", type=kind)
                for area in areas
                for kind in (
                    Organisation.Type.POLICE,
                    Organisation.Type.FIRE_AND_RESCUE,
                    Organisation.Type.PROBATION,
                    Organisation.Type.HEALTH,
                )
            ]
        )
        council_by_partnership = {p.pk: orgs[i] for i, p in enumerate(created)}
        area_orgs = {
            area.pk: [o for o in orgs[len(created) :] if o.name.endswith(area.name)]
            for area in areas
        }
        Membership.objects.bulk_create(
            [
                Membership(
                    partnership=p, organisation=o, kind=Membership.Kind.RESPONSIBLE_AUTHORITY
                )
                for p in created
                for o in [council_by_partnership[p.pk], *area_orgs[p.force_area_id]]
            ]
        )
        say(f"{len(created)} partnerships in {len(areas)} force areas\n")

        # Plans, priorities, measures, targets, actions -----------------------------
        plan_rows, priority_rows, measure_rows, target_rows, action_rows = [], [], [], [], []
        plans_by = {}  # (partnership id, block index) -> Plan
        measure_specs = {}  # partnership id -> list of (lineage, shape, base level, drift)
        for p in created:
            specs = []
            for pi in range(PRIORITIES):
                for mi in range(MEASURES):
                    unit, polarity, basis = MEASURE_SHAPES[mi]
                    base = {
                        Measure.Unit.COUNT: rng.uniform(80, 2500),
                        Measure.Unit.PERCENTAGE: rng.uniform(30, 85),
                        Measure.Unit.RATE_PER_1000: rng.uniform(2, 60),
                    }[unit]
                    specs.append((uuid.uuid4(), pi, mi, base, rng.uniform(-0.02, 0.02)))
            measure_specs[p.pk] = specs
            for b, (first, last) in enumerate(PLAN_BLOCKS):
                status = (
                    Plan.Status.ADOPTED if b == len(PLAN_BLOCKS) - 1 else Plan.Status.SUPERSEDED
                )
                plan = Plan(
                    partnership=p,
                    title=f"Community Safety Plan {first}–{last + 1}",
                    first_year=first,
                    last_year=last,
                    version=b + 1,
                    status=status,
                    adopted_on=now.date(),
                )
                plan_rows.append(plan)
                plans_by[(p.pk, b)] = plan
        Plan.objects.bulk_create(plan_rows)
        priority_by = {}
        for (pid, b), plan in plans_by.items():
            for pi in range(PRIORITIES):
                priority = Priority(
                    plan=plan,
                    code=chr(ord("A") + pi),
                    title=PRIORITY_TITLES[pi],
                    order=pi,
                    lead_officer=f"Lead officer {pi + 1}",
                )
                priority_rows.append(priority)
                priority_by[(pid, b, pi)] = priority
        Priority.objects.bulk_create(priority_rows)
        measure_by = {}
        for (pid, b, pi), priority in priority_by.items():
            first, last = PLAN_BLOCKS[b]
            for lineage, spi, mi, base, drift in measure_specs[pid]:
                if spi != pi:
                    continue
                unit, polarity, basis = MEASURE_SHAPES[mi]
                measure = Measure(
                    priority=priority,
                    lineage=lineage,
                    code=f"({'i' * (mi + 1)})",
                    title=f"Measure {chr(ord('A') + pi)}{mi + 1}",
                    unit=unit,
                    polarity=polarity,
                    target_basis=basis,
                    tolerance_percent=Decimal(5),
                    order=mi,
                    baseline_value=_round(base),
                    baseline_label=f"{first - 1}/{first % 100:02d}",
                )
                measure_rows.append(measure)
                measure_by[(pid, b, pi, mi)] = (measure, base, drift)
                for year in range(first, last + 1):
                    level = base * (1 + drift) ** (year - PLAN_BLOCKS[0][0])
                    for q in range(1, 5):
                        quarter_target = (
                            level * (1 + 0.05 * ((q % 2) - 0.5))
                            if unit == Measure.Unit.COUNT
                            else level
                        )
                        target_rows.append(
                            MeasureTarget(
                                measure=measure,
                                financial_year=year,
                                period=f"q{q}",
                                value=_round(quarter_target),
                            )
                        )
                    target_rows.append(
                        MeasureTarget(
                            measure=measure,
                            financial_year=year,
                            period="year",
                            value=_round(
                                level * 4 if basis == Measure.TargetBasis.TOTAL else level
                            ),
                        )
                    )
            for ai in range(ACTIONS):
                done = rng.random() < 0.4
                action_rows.append(
                    Action(
                        priority=priority,
                        description=f"Action {ai + 1} for priority {priority.code}",
                        lead_text=rng.choice(
                            ["Police", "Council community safety team", "DA Board", "Probation"]
                        ),
                        deadline_date=dt.date(PLAN_BLOCKS[b][0] + 1, 3, 31),
                        status=Action.Status.COMPLETE if done else Action.Status.IN_PROGRESS,
                        rag=Action.Rag.BLUE if done else rng.choice(["green", "amber", "red"]),
                        order=ai,
                    )
                )
        Measure.objects.bulk_create(measure_rows, batch_size=5000)
        MeasureTarget.objects.bulk_create(target_rows, batch_size=10000)
        Action.objects.bulk_create(action_rows, batch_size=5000)
        say(f"{len(plan_rows)} plans, {len(measure_rows)} measures, {len(target_rows)} targets\n")

        # People ---------------------------------------------------------------------
        users = User.objects.bulk_create(
            [
                User(
                    email=f"officer@{p.slug}.example.org",
                    name=f"Officer {p.slug}",
                    password=password,
                )
                for p in created
            ]
            + [
                User(
                    email=f"manager@{p.slug}.example.org",
                    name=f"Manager {p.slug}",
                    password=password,
                )
                for p in created
            ]
            + [
                User(
                    email=f"pcc@{a.slug}.bench.example.org",
                    name=f"PCC reviewer {a.name}",
                    password=password,
                )
                for a in areas
            ]
        )
        officers = users[: len(created)]
        managers = users[len(created) : 2 * len(created)]
        for p, officer, manager in zip(created, officers, managers, strict=True):
            role_grant_create(user=officer, role=Role.OFFICER, partnership=p, by=None)
            role_grant_create(user=manager, role=Role.MANAGER, partnership=p, by=None)
        for area, reviewer in zip(areas, users[2 * len(created) :], strict=True):
            role_grant_create(user=reviewer, role=Role.PCC_REVIEWER, force_area=area, by=None)
        reviewer_by_area = dict(zip([a.pk for a in areas], users[2 * len(created) :], strict=True))
        built.users = {
            "officer": officers[0].email,
            "manager": managers[0].email,
            "pcc_reviewer": reviewer_by_area[created[0].force_area_id].email,
        }

        # Returns ----------------------------------------------------------------------
        all_quarters = quarters()
        latest = all_quarters[-1]
        return_rows, section_rows, value_rows, event_rows, version_rows = [], [], [], [], []
        section_meta = []
        for idx, p in enumerate(created):
            previous: dict = {}
            for year, quarter in all_quarters:
                block = next(i for i, (f, la) in enumerate(PLAN_BLOCKS) if f <= year <= la)
                plan = plans_by[(p.pk, block)]
                if (year, quarter) == latest:
                    status = [
                        PerformanceReturn.Status.DRAFT,
                        PerformanceReturn.Status.SUBMITTED,
                        PerformanceReturn.Status.APPROVED,
                    ][idx % 3]
                else:
                    status = PerformanceReturn.Status.APPROVED
                ret = PerformanceReturn(
                    partnership=p,
                    period=periods[(year, quarter)],
                    plan=plan,
                    status=status,
                    submitted_at=now if status != PerformanceReturn.Status.DRAFT else None,
                    submitted_by=officers[idx]
                    if status != PerformanceReturn.Status.DRAFT
                    else None,
                    approved_at=now if status == PerformanceReturn.Status.APPROVED else None,
                    approved_by=managers[idx]
                    if status == PerformanceReturn.Status.APPROVED
                    else None,
                )
                return_rows.append(ret)
                snapshot_sections = []
                for pi in range(PRIORITIES):
                    priority = priority_by[(p.pk, block, pi)]
                    section = ReturnSection(
                        performance_return=ret,
                        priority=priority,
                        order=pi,
                        lead_officer=priority.lead_officer,
                        summary=f"Performance for {priority.code} in Q{quarter} {year}/{(year + 1) % 100:02d} is broadly as expected.",
                        milestones_reached="Action plan milestones for the quarter were met.",
                        milestones_missed="None.",
                        prospects="Targets are likely to be achieved.",
                    )
                    rags = []
                    measures_snapshot = []
                    for mi in range(MEASURES):
                        measure, base, drift = measure_by[(p.pk, block, pi, mi)]
                        level = base * (1 + drift) ** (year - PLAN_BLOCKS[0][0])
                        target = _round(
                            level * (1 + 0.05 * ((quarter % 2) - 0.5))
                            if measure.unit == Measure.Unit.COUNT
                            else level
                        )
                        value = _round(float(target) * rng.gauss(1.0, 0.07))
                        prev = previous.get(measure.lineage)
                        rag = calculate_rag(
                            value=value,
                            target=target,
                            previous=prev,
                            polarity=measure.polarity,
                            tolerance_percent=measure.tolerance_percent,
                        )
                        direction = direction_of_travel(value, prev, measure.polarity)
                        previous[measure.lineage] = value
                        rags.append(rag.value if rag else "")
                        value_rows.append(
                            MeasureValue(
                                section=section,
                                measure=measure,
                                value=value,
                                ytd_value=None,
                                target=target,
                                calculated_rag=rag.value if rag else "",
                                direction=direction.value,
                            )
                        )
                        measures_snapshot.append(
                            {
                                "code": measure.code,
                                "title": measure.title,
                                "unit": measure.unit,
                                "value": str(value),
                                "target": str(target),
                                "calculated_rag": rags[-1],
                                "direction": direction.value,
                                "ytd_value": None,
                                "national_comparator": None,
                                "note": "",
                                "no_data": False,
                                "no_data_reason": "",
                            }
                        )
                    suggested = suggest_overall(rags)
                    section.suggested_rag = suggested.value if suggested else ""
                    section.assessed_rag = section.suggested_rag or Rag.GREEN
                    section.rag_statement = DEFAULT_RAG_STATEMENTS[Rag(section.assessed_rag)]
                    section_rows.append(section)
                    section_meta.append(ret)
                    snapshot_sections.append(
                        {
                            "priority_code": priority.code,
                            "priority_title": priority.title,
                            "summary": section.summary,
                            "assessed_rag": section.assessed_rag,
                            "suggested_rag": section.suggested_rag,
                            "measures": measures_snapshot,
                        }
                    )
                if status != PerformanceReturn.Status.DRAFT:
                    version_rows.append(
                        ReturnVersion(
                            performance_return=ret,
                            number=1,
                            submitted_by=officers[idx],
                            content={
                                "partnership": p.name,
                                "period": f"Q{quarter} {year}",
                                "sections": snapshot_sections,
                            },
                        )
                    )
                    event_rows.append(
                        ReturnEvent(
                            performance_return=ret,
                            kind=ReturnEvent.Kind.SUBMITTED,
                            by=officers[idx],
                        )
                    )
                if status == PerformanceReturn.Status.APPROVED:
                    event_rows.append(
                        ReturnEvent(
                            performance_return=ret, kind=ReturnEvent.Kind.APPROVED, by=managers[idx]
                        )
                    )
            if (idx + 1) % 50 == 0:
                _flush(return_rows, section_rows, value_rows, event_rows, version_rows)
                built.returns += len(return_rows)
                built.values += len(value_rows)
                return_rows, section_rows, value_rows, event_rows, version_rows = [], [], [], [], []
                say(f"  returns for {idx + 1} partnerships\n")
        _flush(return_rows, section_rows, value_rows, event_rows, version_rows)
        built.returns += len(return_rows)
        built.values += len(value_rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    say(f"{built.returns} returns, {built.values} measure values\n")
    return built


def _flush(returns, sections, values, events, versions) -> None:
    PerformanceReturn.objects.bulk_create(returns, batch_size=5000)
    for s in sections:
        s.performance_return_id = s.performance_return.pk
    ReturnSection.objects.bulk_create(sections, batch_size=5000)
    for v in values:
        v.section_id = v.section.pk
    MeasureValue.objects.bulk_create(values, batch_size=10000)
    for e in events:
        e.performance_return_id = e.performance_return.pk
    ReturnEvent.objects.bulk_create(events, batch_size=10000)
    for v in versions:
        v.performance_return_id = v.performance_return.pk
    ReturnVersion.objects.bulk_create(versions, batch_size=2000)
