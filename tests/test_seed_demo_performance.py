"""The demo plans and quarterly returns that seed_demo builds through the services.

Norfolk's CCSP Plan 2013/16 and its Q1 and Q2 2013/14 returns as the seed documents
record them; Somerset's and Worcestershire's 2017/18 plans; and synthetic partnerships
whose returns are in every state. The demo is loaded once for the class (rolled back
after it) on a known day, 22 November 2026, because Plymouth's returns are placed
relative to the day the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from demo.base import DemoDataError
from demo.clock import Timeline, demo_clock
from demo.loaders import LOADERS
from demo.plans import deadline_from_text
from demo.returns import _play, period_key
from performance.models import (
    MeasureValue,
    PerformanceReturn,
    Rag,
    ReportingPeriod,
    ReturnSection,
)
from performance.periods import period_containing
from performance.rag import calculate_rag, suggest_overall
from priorities.models import Action, Measure, MeasureTarget, Plan
from tests.conftest import DEMO_DAY, seed_demo
from tests.test_seed_demo import FIXTURES, _read

TODAY = dt.date(2026, 11, 22)
NOON = DEMO_DAY
Status = PerformanceReturn.Status


def _seed() -> str:
    return seed_demo()


def _norfolk_plan() -> Plan:
    return Plan.objects.get(partnership__slug="norfolk-ccsp", title="CCSP Plan 2013/16")


def _measure(code: str) -> Measure:
    """ "A(i)" -> Norfolk's measure (i) of priority A."""
    priority, measure = code[0], code[1:]
    return Measure.objects.get(
        priority__plan=_norfolk_plan(), priority__code=priority, code=measure
    )


def _norfolk_value(quarter: int, code: str) -> MeasureValue:
    return MeasureValue.objects.select_related("measure", "section").get(
        section__performance_return__partnership__slug="norfolk-ccsp",
        section__performance_return__period__financial_year=2013,
        section__performance_return__period__quarter=quarter,
        section__priority__code=code[0],
        measure__code=code[1:],
    )


def _norfolk_section(quarter: int, code: str) -> ReturnSection:
    return ReturnSection.objects.get(
        performance_return__partnership__slug="norfolk-ccsp",
        performance_return__period__financial_year=2013,
        performance_return__period__quarter=quarter,
        priority__code=code,
    )


def _targets(code: str, year: int = 2013) -> dict[str, Decimal]:
    return dict(
        MeasureTarget.objects.filter(measure=_measure(code), financial_year=year).values_list(
            "period", "value"
        )
    )


def _state_snapshot() -> dict[str, object]:
    tables = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in ("priorities", "performance")
        or model.__name__.startswith("Historical")
    }
    for model in (Plan, Action, PerformanceReturn, ReturnSection, MeasureValue):
        tables[f"latest {model.__name__} change"] = (
            model.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
        )
    return tables


@pytest.mark.usefixtures("seeded")
class TestTheDemoPlansAndReturns:
    # --- Norfolk's plan -------------------------------------------------------------

    def test_norfolk_has_the_ccsp_plan_2013_16_adopted_by_the_demo_manager(self, db):
        plan = _norfolk_plan()
        assert (plan.status, plan.first_year, plan.last_year) == (Plan.Status.ADOPTED, 2013, 2015)
        assert plan.adopted_by.email == "norfolk.manager@example.org"
        assert plan.adopted_on == dt.date(2013, 4, 24)

    def test_norfolk_has_priorities_a_to_f_with_their_sponsor_agencies(self, db):
        rows = list(
            _norfolk_plan()
            .priorities.order_by("order")
            .values_list("code", "title", "sponsor__name")
        )
        assert rows == [
            ("A", "Reduce the incidence of crime and ASB", "Norfolk Constabulary"),
            (
                "B",
                "Protect vulnerable people, particularly young people",
                "Norfolk Youth Offending Team",
            ),
            (
                "C",
                "Protect vulnerable people, particularly people vulnerable to domestic abuse",
                "Victim Support",
            ),
            (
                "D",
                "Reduce the harm caused by the misuse of drugs and alcohol, with improved focus on recovery and abstinence",
                "Norfolk Drug and Alcohol Action Team",
            ),
            (
                "E",
                "Reduce the harm caused by the misuse of drugs and alcohol, within the Night-time Economy",
                "Norfolk Constabulary",
            ),
            (
                "F",
                "Improve support to offenders to prevent them from re-offending, particularly PPOs",
                "Norfolk and Suffolk Probation Trust",
            ),
        ]

    def test_norfolk_priorities_are_aligned_to_the_police_and_crime_plan(self, db):
        aligned = {
            p.code: sorted(o.title for o in p.objectives.all())
            for p in _norfolk_plan().priorities.prefetch_related("objectives")
        }
        assert aligned["A"] == ["Reduce the impact of ASB", "Reduce the number of priority crimes"]
        assert aligned["E"] == [
            "Reduce violent & sexual crime within the key Night-time Economy areas"
        ]
        assert aligned["F"] == ["Reduce reoffending of the most prolific offenders"]
        assert all(aligned.values())

    def test_norfolk_priorities_carry_the_measures_of_the_return(self, db):
        codes = {}
        for measure in Measure.objects.filter(priority__plan=_norfolk_plan()).select_related(
            "priority"
        ):
            codes.setdefault(measure.priority.code, []).append(measure.code)
        assert codes == {
            "A": ["(i)", "(ii)", "(iii)"],
            "B": ["(i)", "(ii)", "(iii)"],
            "C": ["(i)", "(ii)"],
            "D": ["(i)", "(ii)", "(iii)", "(iv)", "(v)", "(vi)", "(vii)"],
            "E": ["(i)", "(ii)"],
            "F": ["(i)", "(ii)"],
        }
        assert set(
            Measure.objects.filter(priority__plan=_norfolk_plan()).values_list(
                "tolerance_percent", flat=True
            )
        ) == {Decimal(5)}

    def test_norfolk_measures_have_the_quarterly_and_annual_targets_of_the_return(self, db):
        assert _targets("A(i)") == {
            "year": Decimal(9394),
            "q1": Decimal(2274),
            "q2": Decimal(2329),
            "q3": Decimal(2448),
            "q4": Decimal(2343),
        }
        assert _targets("A(ii)") == {
            "year": Decimal(30820),
            "q1": Decimal(8129),
            "q2": Decimal(9754),
            "q3": Decimal(6471),
            "q4": Decimal(6466),
        }
        e1 = _measure("E(i)")
        assert _targets("E(i)")["year"] == Decimal(500)
        assert [e1.target_for(2013, q) for q in (1, 2, 3, 4)] == [Decimal(125)] * 4
        assert _targets("E(i)", 2015) == {"year": Decimal(450)}
        d1 = _measure("D(i)")
        assert (d1.target_basis, d1.polarity) == (
            Measure.TargetBasis.LEVEL,
            Measure.Polarity.HIGHER_IS_BETTER,
        )
        assert [d1.target_for(2013, q) for q in (1, 2, 3, 4)] == [Decimal(70)] * 4
        c1, c2 = _measure("C(i)"), _measure("C(ii)")
        assert (c1.target_for(2013, 1), c1.polarity, c1.national_comparator) == (
            Decimal(24),
            Measure.Polarity.LOWER_IS_BETTER,
            Decimal(24),
        )
        assert (c2.target_for(2013, 1), c2.polarity, c2.baseline_value) == (
            Decimal(15),
            Measure.Polarity.HIGHER_IS_BETTER,
            Decimal(10),
        )
        a1 = _measure("A(i)")
        assert (a1.unit, a1.polarity) == (Measure.Unit.COUNT, Measure.Polarity.LOWER_IS_BETTER)
        assert a1.target_text.startswith("Maintain Priority Crime levels of 2012/13")

    def test_targets_under_development_have_no_target(self, db):
        for code in ("A(iii)", "E(ii)", "F(ii)", "D(vii)"):
            measure = _measure(code)
            assert not measure.targets.exists(), code
            assert measure.target_for(2013, 1) is None
        assert "under development" in _measure("A(iii)").target_text

    def test_norfolk_baselines_are_as_the_return_gives_them(self, db):
        b2, d1 = _measure("B(ii)"), _measure("D(i)")
        assert (b2.baseline_value, b2.baseline_label, b2.baseline_date) == (
            Decimal(554),
            "Apr 11 to Mar 12",
            dt.date(2012, 3, 31),
        )
        assert (d1.baseline_value, d1.baseline_label, d1.national_comparator) == (
            Decimal(84),
            "Q4 2012/13",
            Decimal(79),
        )
        assert _measure("D(vi)").baseline_label == "No data available."

    def test_norfolk_actions_keep_their_leads_and_deadlines_as_written(self, db):
        actions = Action.objects.filter(priority__plan=_norfolk_plan()).select_related(
            "priority", "lead_organisation", "lead_board"
        )
        by_priority = {code: [a for a in actions if a.priority.code == code] for code in "ABCDEF"}
        assert all(by_priority.values())
        first = by_priority["A"][0]
        assert (first.deadline_text, first.deadline_date, first.lead_display) == (
            "Sep 2013",
            dt.date(2013, 9, 30),
            "Norfolk Constabulary",
        )
        nightsafe = next(a for a in by_priority["E"] if a.lead_board_id)
        assert nightsafe.lead_board.name == "Nightsafe Tasking and Co-ordination Group"
        assert nightsafe.deadline_text == "March 2014 (Reviewed annually)"
        assert nightsafe.deadline_date == dt.date(2014, 3, 31)
        assert {a.deadline_text for a in by_priority["D"]} == {"TBC"}
        assert all(a.deadline_date is None for a in by_priority["D"])
        statuses = {a.status for a in actions}
        assert {
            Action.Status.COMPLETE,
            Action.Status.IN_PROGRESS,
            Action.Status.ABANDONED,
        } <= statuses
        assert all(a.rag == Action.Rag.BLUE for a in actions if a.status == Action.Status.COMPLETE)

    # --- Norfolk's returns ----------------------------------------------------------

    def test_the_q1_and_q2_2013_14_returns_are_approved_with_versions_and_events(self, db):
        returns = PerformanceReturn.objects.filter(partnership__slug="norfolk-ccsp").order_by(
            "period__quarter"
        )
        assert [(r.period.label, r.status) for r in returns] == [
            ("Q1 2013/14", Status.APPROVED),
            ("Q2 2013/14", Status.APPROVED),
        ]
        for ret, approved_on in zip(
            returns, (dt.date(2013, 8, 7), dt.date(2013, 10, 31)), strict=True
        ):
            assert ret.plan == _norfolk_plan()
            assert ret.submitted_by.email == "norfolk.officer@example.org"
            assert ret.approved_by.email == "norfolk.manager@example.org"
            assert timezone.localtime(ret.approved_at).date() == approved_on
            assert [e.kind for e in ret.events.all()] == ["started", "submitted", "approved"]
            [version] = ret.versions.all()
            assert version.content["period"] == ret.period.label
            assert len(version.content["sections"]) == 6

    @pytest.mark.parametrize(
        ("quarter", "code", "value", "ytd"),
        [
            (1, "A(i)", 2162, 2162),
            (2, "A(i)", 2246, 4408),
            (1, "A(ii)", 7671, 7671),
            (2, "A(ii)", 8847, 16498),
            (1, "E(i)", 98, 98),
            (2, "E(i)", 143, 241),
            (2, "E(ii)", 19, 19),
            (1, "C(i)", 15, None),
            (2, "C(i)", 15, None),
            (1, "C(ii)", 10, None),
            (2, "C(ii)", 9, None),
            (1, "F(i)", 59, None),
            (2, "F(i)", 60, None),
            (1, "D(i)", 88, None),
            (2, "D(iii)", 0, None),
        ],
    )
    def test_the_returns_hold_the_recorded_values(self, db, quarter, code, value, ytd):
        mv = _norfolk_value(quarter, code)
        assert (mv.value, mv.ytd_value, mv.no_data) == (
            Decimal(value),
            None if ytd is None else Decimal(ytd),
            False,
        )

    def test_the_returns_hold_the_targets_comparators_and_notes_of_the_grid(self, db):
        assert _norfolk_value(1, "A(i)").target == Decimal(2274)
        assert _norfolk_value(2, "A(i)").target == Decimal(2329)
        assert _norfolk_value(2, "A(ii)").target == Decimal(9754)
        assert _norfolk_value(2, "E(i)").target == Decimal(125)
        d1 = _norfolk_value(1, "D(i)")
        assert (d1.national_comparator, d1.target) == (Decimal(80), Decimal(70))
        assert _norfolk_value(1, "D(iv)").national_comparator == Decimal("8.2")
        assert "April 60%, May 61%, June 59%" in _norfolk_value(1, "F(i)").note
        assert "Rest of Norfolk 16%" in _norfolk_value(2, "D(iii)").note

    @pytest.mark.parametrize(
        ("quarter", "code"),
        [(1, "D(vi)"), (1, "D(vii)"), (2, "D(vi)"), (1, "A(iii)"), (2, "F(ii)")],
    )
    def test_no_data_rows_give_their_reason(self, db, quarter, code):
        mv = _norfolk_value(quarter, code)
        assert (mv.no_data, mv.value) == (True, None)
        assert mv.no_data_reason.strip()
        assert mv.is_answered
        assert mv.calculated_rag == ""

    def test_every_calculated_rag_is_what_the_rules_give(self, db):
        values = MeasureValue.objects.filter(
            section__performance_return__partnership__slug="norfolk-ccsp"
        ).select_related("measure", "section__performance_return__period")
        q1 = {
            mv.measure_id: mv.value
            for mv in values
            if mv.section.performance_return.period.quarter == 1
        }
        checked = 0
        for mv in values:
            previous = (
                q1.get(mv.measure_id) if mv.section.performance_return.period.quarter == 2 else None
            )
            expected = calculate_rag(
                value=None if mv.no_data else mv.value,
                target=mv.target,
                previous=previous,
                polarity=mv.measure.polarity,
                tolerance_percent=mv.measure.tolerance_percent,
            )
            assert mv.calculated_rag == (expected.value if expected else ""), mv
            checked += 1
        assert checked == 2 * 19
        for section in ReturnSection.objects.filter(
            performance_return__partnership__slug="norfolk-ccsp"
        ).prefetch_related("values"):
            suggestion = suggest_overall(mv.calculated_rag for mv in section.values.all())
            assert section.suggested_rag == (suggestion.value if suggestion else "")

    def test_a_i_is_green_and_e_i_in_q2_is_red_by_the_rules(self, db):
        # A(i) Q1: 2,162 against 2,274, lower is better: on target.
        assert _norfolk_value(1, "A(i)").calculated_rag == Rag.GREEN
        # E(i) Q2: 143 against 125 is 14.4% over, beyond the 5% tolerance, and worse
        # than Q1's 98: Red.
        e1 = _norfolk_value(2, "E(i)")
        assert (e1.calculated_rag, e1.direction) == (Rag.RED, "worsening")
        # C(ii) Q1: 10% against 15%, with no earlier quarter to show it is not worsening.
        assert _norfolk_value(1, "C(ii)").calculated_rag == Rag.RED

    def test_the_q2_assessments_and_statements_are_the_returns(self, db):
        sections = {
            s.priority.code: (s.assessed_rag, s.rag_statement)
            for s in ReturnSection.objects.filter(
                performance_return__partnership__slug="norfolk-ccsp",
                performance_return__period__quarter=2,
            ).select_related("priority")
        }
        assert sections == {
            "A": ("green", "GREEN – target on track and likely to be achieved"),
            "B": (
                "amber",
                "AMBER – target causing concern; remedial action taken, impact uncertain",
            ),
            "C": (
                "amber",
                "AMBER – target causing concern; remedial action taken to address but impact uncertain",
            ),
            "D": (
                "amber",
                "AMBER – NDAP faces another year where significant system changes have the potential "
                "to exacerbate existing negative trends. Proactive contract management will be needed "
                "to prevent performance issues from becoming urgent.",
            ),
            "E": ("green", "GREEN – target on track and likely to be achieved"),
            "F": ("green", "GREEN"),
        }

    def test_each_disagreement_with_the_measures_is_shown_and_justified(self, db):
        sections = ReturnSection.objects.filter(
            performance_return__partnership__slug="norfolk-ccsp"
        ).select_related("priority", "performance_return__period")
        disagreeing = {
            (s.performance_return.period.quarter, s.priority.code) for s in sections if s.disagrees
        }
        assert (2, "E") in disagreeing
        assert (2, "C") in disagreeing
        assert all(s.rag_justification.strip() for s in sections if s.disagrees)
        e = _norfolk_section(2, "E")
        assert (e.suggested_rag, e.assessed_rag) == (Rag.RED, Rag.GREEN)
        assert "241" in e.rag_justification
        # The submitted version shows the reviewer both sides and the reason.
        version = e.performance_return.versions.get()
        [snapshot] = [s for s in version.content["sections"] if s["priority_code"] == "E"]
        assert (snapshot["suggested_rag"], snapshot["assessed_rag"]) == ("red", "green")
        assert snapshot["rag_justification"] == e.rag_justification

    def test_the_norfolk_story_is_dated_2013_everywhere(self, db):
        ret = PerformanceReturn.objects.get(
            partnership__slug="norfolk-ccsp", period__financial_year=2013, period__quarter=1
        )
        assert {timezone.localtime(e.created_at).date() for e in ret.events.all()} == {
            dt.date(2013, 7, 8),
            dt.date(2013, 8, 2),
            dt.date(2013, 8, 7),
        }
        history = list(ret.history.all()) + list(_norfolk_plan().history.all())
        assert history
        assert all(h.history_date.year == 2013 for h in history)
        assert all(h.history_user is not None for h in history)
        assert _norfolk_plan().history.first().history_changes["Adopted on"] == ["", "2013-04-24"]

    def test_the_sections_snapshot_the_plans_sponsor_and_lead_officer(self, db):
        section = _norfolk_section(2, "A")
        assert (section.sponsor, section.lead_officer) == (
            "Norfolk Constabulary",
            _norfolk_plan().priorities.get(code="A").lead_officer,
        )

    # --- Somerset and Worcestershire ------------------------------------------------

    def test_somerset_has_its_2017_18_priorities_and_all_13_annex_a_actions(self, db):
        plan = Plan.objects.get(partnership__slug="safer-somerset")
        assert plan.status == Plan.Status.ADOPTED
        assert list(plan.priorities.values_list("code", flat=True)) == ["1", "2", "3", "4"]
        assert plan.priorities.get(code="4").title == (
            "Meet our Statutory Duties [Reducing Reoffending and Domestic Homicide Reviews]"
        )
        actions = list(
            Action.objects.filter(priority__plan=plan).order_by("priority__order", "order")
        )
        assert [(a.lead_display, a.deadline_text) for a in actions] == [
            ("DA Board", "March 2018"),
            ("The Nelson Trust", "September 2018"),
            ("Police Prevent Team", "May 2018"),
            ("Prevent leads", "January 2018"),
            ("Chair of ASP", "March 2018"),
            ("Equalities team", "June 2018"),
            ("One Team coordinator", "November 2017"),
            ("Hinkley Community Safety group", "Quarterly"),
            ("Hate Crime Chair", "September 2017"),
            ("Somerset One Team Coordinator", "September 2018"),
            ("SCC", "Ongoing"),
            ("Domestic Abuse Board", "December 2017"),
            ("SSP Chair/SCC", "April 2018"),
        ]
        dated = {a.deadline_text: a.deadline_date for a in actions}
        assert dated["Quarterly"] is None
        assert dated["Ongoing"] is None
        assert dated["March 2018"] == dt.date(2018, 3, 31)

    def test_somerset_shows_complete_and_overdue_actions_at_its_december_2017_review(self, db):
        actions = Action.objects.filter(priority__plan__partnership__slug="safer-somerset")
        review = dt.date(2017, 12, 14)
        overdue = sorted(a.deadline_text for a in actions if a.is_overdue(review))
        assert overdue == ["November 2017", "September 2017"]
        complete = [a for a in actions if a.status == Action.Status.COMPLETE]
        assert len(complete) == 2
        assert all(a.rag == Action.Rag.BLUE for a in complete)
        # Text deadlines are never overdue by date, however late it is.
        assert not any(a.is_overdue(TODAY) for a in actions if a.deadline_date is None)

    def test_worcestershire_has_its_csa_action_plan_2017_18_by_theme(self, db):
        plan = Plan.objects.get(partnership__slug="worcestershire-scb")
        assert (plan.status, plan.first_year, plan.last_year) == (Plan.Status.ADOPTED, 2017, 2017)
        themes = list(plan.priorities.values_list("code", "title"))
        assert [code for code, _ in themes] == [str(n) for n in range(1, 9)]
        assert themes[0][1] == "Domestic Abuse and Sexual Violence"
        assert themes[-1][1] == "Other priorities"
        actions = Action.objects.filter(priority__plan=plan)
        assert actions.count() == 13
        ctlp = actions.get(deadline_text="June 2017 (New CTLP)")
        assert ctlp.deadline_date == dt.date(2017, 6, 30)
        assert actions.get(deadline_text="TBC").deadline_date is None
        assert actions.get(deadline_text="To March 2018").lead_text == "CSPs / WCC PH"

    # --- The mix the dashboards show ------------------------------------------------

    def test_there_are_returns_in_every_state(self, db):
        returns = list(PerformanceReturn.objects.select_related("period", "partnership"))
        states = {r.status for r in returns}
        assert states == {Status.DRAFT, Status.SUBMITTED, Status.APPROVED}
        overdue = {(r.partnership.slug, r.period.label) for r in returns if r.is_overdue(TODAY)}
        assert ("wokingham-csp", "Q4 2018/19") in overdue
        assert ("north-worcestershire-csp", "Q2 2017/18") in overdue
        # The returned one kept the manager's comment.
        returned = PerformanceReturn.objects.get(
            partnership__slug="north-worcestershire-csp", period__quarter=2
        )
        assert returned.events.last().kind == "returned"
        assert "Hate Incident Partnership" in returned.events.last().comment

    def test_a_partnership_has_a_live_draft_for_the_current_quarter(self, db):
        year, quarter = period_containing(TODAY)
        live = PerformanceReturn.objects.get(
            partnership__slug="safer-plymouth",
            period__financial_year=year,
            period__quarter=quarter,
        )
        assert live.status == Status.DRAFT
        assert not live.is_overdue(TODAY)
        waiting = PerformanceReturn.objects.get(
            partnership__slug="safer-plymouth", period__financial_year=2026, period__quarter=2
        )
        assert waiting.status == Status.SUBMITTED
        assert all(e.created_at <= NOON for e in live.events.all())

    def test_some_quarters_past_their_deadline_have_no_return_at_all(self, db):
        missing = []
        plans = Plan.objects.filter(status=Plan.Status.ADOPTED).select_related("partnership")
        periods = ReportingPeriod.objects.filter(submission_deadline__lt=TODAY)
        made = set(PerformanceReturn.objects.values_list("partnership_id", "period_id"))
        for plan in plans:
            for period in periods:
                if (
                    plan.covers(period.financial_year)
                    and (plan.partnership_id, period.pk) not in made
                ):
                    missing.append((plan.partnership.slug, period.label))
        assert ("wokingham-csp", "Q1 2019/20") in missing
        assert ("north-worcestershire-csp", "Q3 2017/18") in missing

    def test_a_resubmitted_return_has_two_versions_that_differ(self, db):
        ret = PerformanceReturn.objects.get(
            partnership__slug="wokingham-csp", period__financial_year=2018, period__quarter=2
        )
        assert ret.status == Status.APPROVED
        first, second = ret.versions.order_by("number")
        assert first.content != second.content
        assert [e.kind for e in ret.events.all()] == [
            "started",
            "submitted",
            "returned",
            "submitted",
            "approved",
        ]

    # --- Running it again, and the sign-in list -------------------------------------

    def test_running_it_again_changes_nothing(self, db):
        before = _state_snapshot()
        output = _seed()
        assert _state_snapshot() == before
        assert "created" not in output
        assert "Plans: 6 plans" in output

    def test_demo_logins_points_at_the_plans_and_returns(self, db):
        out = StringIO()
        call_command("demo_logins", stdout=out)
        text = out.getvalue()
        assert "norfolk.officer@example.org" in text
        assert (
            "CCSP Plan 2013/16 (2013/14 to 2015/16). Returns: Q1 2013/14 approved; Q2 2013/14 approved."
            in text
        )
        assert "Q4 2018/19 draft, overdue" in text

    def test_a_return_step_the_service_refuses_is_reported_with_its_file(self, db):
        """The loader goes through the services: an assessment that differs from the
        measures without a justification is refused, and nothing of it is kept."""
        partnership = _norfolk_plan().partnership
        people = {"officer": _norfolk_plan().returns.first().submitted_by}
        steps = [
            {"do": "start", "on": "2014-01-08"},
            {
                "do": "save",
                "on": "2014-01-20",
                "sections": {"E": {"assessed_rag": "green", "values": {"(i)": {"value": 200}}}},
            },
        ]
        with pytest.raises(DemoDataError, match="returns/test.json.*rag_justification"):
            with transaction.atomic():
                _play("returns/test.json: Q3 2013", partnership, (2013, 3), steps, people, TODAY)
        assert not PerformanceReturn.objects.filter(
            partnership=partnership, period__quarter=3
        ).exists()


# --- Pieces of the loaders (no database) ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 2018", dt.date(2018, 3, 31)),
        ("Sep 2013", dt.date(2013, 9, 30)),
        ("Sept 2013", dt.date(2013, 9, 30)),
        ("March 2014 (Reviewed annually)", dt.date(2014, 3, 31)),
        ("June 2017 (New CTLP)", dt.date(2017, 6, 30)),
        ("To March 2018", dt.date(2018, 3, 31)),
        ("February 2016", dt.date(2016, 2, 29)),
        ("Quarterly", None),
        ("Ongoing", None),
        ("TBC", None),
        ("Monthly", None),
    ],
)
def test_a_month_in_a_deadline_gives_the_last_day_of_that_month(text, expected):
    assert deadline_from_text(text) == expected


def test_periods_are_named_as_the_portal_names_them_or_counted_back_from_today():
    assert period_key("x", "Q2 2013/14", TODAY) == (2013, 2)
    assert period_key("x", {"quarters_ago": 0}, TODAY) == (2026, 3)
    assert period_key("x", {"quarters_ago": 3}, TODAY) == (2025, 4)
    assert period_key("x", {"quarters_ago": 7}, TODAY) == (2024, 4)
    with pytest.raises(DemoDataError, match="not a quarter"):
        period_key("x", "Q2 2013/15", TODAY)


def test_the_demo_clock_stops_time_and_always_puts_it_back():
    moment = dt.datetime(2013, 8, 2, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    with demo_clock(moment):
        assert timezone.now() == moment
        assert timezone.localdate() == dt.date(2013, 8, 2)
    assert timezone.now().year >= 2025
    with pytest.raises(RuntimeError), demo_clock(moment):
        raise RuntimeError
    assert timezone.now().year >= 2025


def test_a_timeline_moves_forward_and_never_past_now():
    timeline = Timeline()
    first = timeline.at(dt.date(2013, 8, 2))
    second = timeline.at(dt.date(2013, 8, 2))
    assert second > first
    assert timeline.at(dt.date(2013, 7, 1)) > second
    assert timeline.at(dt.date(2999, 1, 1)) < timezone.now()


def test_the_plan_and_return_loaders_come_after_the_people():
    names = [loader.__name__ for loader in LOADERS]
    assert names.index("load_people") < names.index("load_plans") < names.index("load_returns")


def test_synthetic_demo_files_say_so():
    real = {"norfolk-ccsp", "safer-somerset", "worcestershire-scb"}
    for path in sorted((FIXTURES / "demo").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["partnership"] not in real:
            assert data["_source"].startswith("SYNTHETIC"), path.name
        else:
            assert "seed" in data["_source"], path.name
    assert _read("demo/plans/norfolk-2013-16.json")["default_tolerance_percent"] == 5
