"""The calculated RAG rules (performance/rag.py), with worked examples from the Norfolk
return and property-based checks of polarity, tolerance and missing data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from performance.models import Direction, Rag
from performance.rag import HIGHER, LOWER, calculate_rag, direction_of_travel, suggest_overall

D = Decimal
amounts = st.decimals(
    min_value=-100000, max_value=100000, places=2, allow_nan=False, allow_infinity=False
)
positive = st.decimals(
    min_value=D("0.01"), max_value=100000, places=2, allow_nan=False, allow_infinity=False
)
tolerances = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False, allow_infinity=False)
polarities = st.sampled_from([HIGHER, LOWER])
optional = st.one_of(st.none(), amounts)


FIVE = D(5)


def rag(value, target, previous=None, polarity=LOWER, tolerance=FIVE):
    return calculate_rag(
        value=value,
        target=target,
        previous=previous,
        polarity=polarity,
        tolerance_percent=tolerance,
    )


# Worked examples ----------------------------------------------------------------------


def test_norfolk_priority_crime_q1_is_green():
    # A(i) Q1 2013/14: 2162 against a target of 2274 (lower is better).
    assert rag(D(2162), D(2274)) == Rag.GREEN


def test_norfolk_night_time_economy_q2_is_red_when_worsening():
    # E(i) Q2: 143 against a target of 125, up from 98 in Q1: 14.4% over, worsening.
    assert rag(D(143), D(125), previous=D(98)) == Rag.RED


def test_it_is_amber_within_tolerance():
    # 130 against 125 is 4% over, inside a 5% tolerance.
    assert rag(D(130), D(125), previous=D(98)) == Rag.AMBER


def test_it_is_amber_beyond_tolerance_when_improving():
    assert rag(D(143), D(125), previous=D(160)) == Rag.AMBER


def test_it_is_amber_beyond_tolerance_when_unchanged():
    assert rag(D(143), D(125), previous=D(143)) == Rag.AMBER


def test_it_is_red_beyond_tolerance_with_no_previous_quarter():
    assert rag(D(143), D(125), previous=None) == Rag.RED


def test_higher_is_better_uses_the_other_side_of_the_target():
    # D(i) 88% of young people leaving treatment in a planned way against 70%.
    assert rag(D(88), D(70), polarity=HIGHER) == Rag.GREEN
    # C(ii) non-police MARAC referrals 9% against 15%, down from 10%: Red.
    assert rag(D(9), D(15), previous=D(10), polarity=HIGHER) == Rag.RED


def test_a_zero_target_missed_is_beyond_any_tolerance():
    assert rag(D(1), D(0), previous=D(0), tolerance=D(50)) == Rag.RED
    assert rag(D(0), D(0)) == Rag.GREEN


def test_direction_follows_polarity():
    assert direction_of_travel(D(10), D(12), LOWER) == Direction.IMPROVING
    assert direction_of_travel(D(10), D(12), HIGHER) == Direction.WORSENING
    assert direction_of_travel(D(10), D(10), HIGHER) == Direction.SAME
    assert direction_of_travel(D(10), None, HIGHER) == Direction.UNKNOWN


def test_overall_suggestion_is_the_worst_rated_measure():
    assert suggest_overall(["green", "amber", ""]) == Rag.AMBER
    assert suggest_overall(["green", "red", "amber"]) == Rag.RED
    assert suggest_overall(["green"]) == Rag.GREEN
    assert suggest_overall(["", None]) is None


# Properties ---------------------------------------------------------------------------


@given(target=optional, previous=optional, polarity=polarities, tolerance=tolerances)
def test_no_value_means_no_rating(target, previous, polarity, tolerance):
    assert rag(None, target, previous, polarity, tolerance) is None


@given(value=optional, previous=optional, polarity=polarities, tolerance=tolerances)
def test_no_target_means_no_rating(value, previous, polarity, tolerance):
    assert rag(value, None, previous, polarity, tolerance) is None


@given(value=amounts, target=amounts, previous=optional, tolerance=tolerances)
def test_polarity_is_a_mirror_image(value, target, previous, tolerance):
    """Higher-is-better on x is exactly lower-is-better on -x."""
    mirrored = None if previous is None else -previous
    assert rag(value, target, previous, HIGHER, tolerance) == rag(
        -value, -target, mirrored, LOWER, tolerance
    )


@given(value=amounts, target=amounts, previous=optional, polarity=polarities, tolerance=tolerances)
def test_meeting_the_target_is_always_green(value, target, previous, polarity, tolerance):
    assume(value >= target if polarity == HIGHER else value <= target)
    assert rag(value, target, previous, polarity, tolerance) == Rag.GREEN


@given(
    target=positive,
    shortfall=st.decimals(min_value=D("0.01"), max_value=100, places=2),
    previous=optional,
    polarity=polarities,
    tolerance=tolerances,
)
def test_within_tolerance_is_never_red(target, shortfall, previous, polarity, tolerance):
    assume(shortfall <= tolerance)
    gap = target * shortfall / 100
    value = target - gap if polarity == HIGHER else target + gap
    assert rag(value, target, previous, polarity, tolerance) == Rag.AMBER


@given(
    target=positive,
    shortfall=st.decimals(min_value=D("0.01"), max_value=500, places=2),
    worsening_by=positive,
    polarity=polarities,
    tolerance=tolerances,
)
def test_beyond_tolerance_and_worsening_is_red(
    target, shortfall, worsening_by, polarity, tolerance
):
    assume(shortfall > tolerance)
    gap = target * shortfall / 100
    value = target - gap if polarity == HIGHER else target + gap
    previous = value + worsening_by if polarity == HIGHER else value - worsening_by
    assert rag(value, target, previous, polarity, tolerance) == Rag.RED


@given(
    value=amounts,
    better_by=positive,
    target=amounts,
    previous=optional,
    polarity=polarities,
    tolerance=tolerances,
)
def test_a_better_value_never_gets_a_worse_colour(
    value, better_by, target, previous, polarity, tolerance
):
    severity = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}
    better = value + better_by if polarity == HIGHER else value - better_by
    assert (
        severity[rag(better, target, previous, polarity, tolerance)]
        <= severity[rag(value, target, previous, polarity, tolerance)]
    )


@pytest.mark.parametrize("polarity", [HIGHER, LOWER])
def test_tolerance_boundary_is_inclusive(polarity):
    # Exactly 5% short of 100 is still Amber; just past it is Red (no previous quarter).
    edge = D(95) if polarity == HIGHER else D(105)
    past = D("94.99") if polarity == HIGHER else D("105.01")
    assert rag(edge, D(100), None, polarity) == Rag.AMBER
    assert rag(past, D(100), None, polarity) == Rag.RED
