"""The benchmark's data set (benchmark/dataset.py), built small: it has the shape the
benchmark reports, and every page the benchmark measures opens for the person it
measures it as."""

from __future__ import annotations

import pytest

from accounts.models import User
from benchmark import dataset
from benchmark.pages import pages
from partnerships.models import ForceArea, Partnership
from performance.models import MeasureValue, PerformanceReturn


@pytest.fixture(autouse=True)
def _benchmark_urls(settings):
    """The URLs benchmark.settings serves: the portal's plus the trivial view."""
    settings.ROOT_URLCONF = "benchmark.urls"


@pytest.fixture
def built(db):
    return dataset.build(seed=7, partnerships=3)


def test_it_builds_ten_years_of_returns_for_every_partnership(built):
    per_partnership = dataset.QUARTERS
    assert ForceArea.objects.count() == 43
    assert Partnership.objects.filter(slug__startswith=dataset.SLUG_PREFIX).count() == 3
    assert built.returns == PerformanceReturn.objects.count() == 3 * per_partnership
    assert (
        built.values
        == MeasureValue.objects.count()
        == 3 * per_partnership * dataset.PRIORITIES * dataset.MEASURES
    )
    statuses = set(PerformanceReturn.objects.values_list("status", flat=True))
    assert {"draft", "approved"} <= statuses


def test_every_page_the_benchmark_measures_opens_for_its_person(built, client):
    measured = pages()
    assert len(measured) == 6
    for page in measured:
        client.force_login(User.objects.get(email=page["user"]))
        response = client.get(page["url"])
        assert response.status_code == 200, page["name"]


def test_it_refuses_to_build_twice_into_the_same_database(built):
    with pytest.raises(RuntimeError, match="already there"):
        dataset.build(seed=7, partnerships=1)
