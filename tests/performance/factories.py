from __future__ import annotations

from factory.django import DjangoModelFactory

from performance.models import ReportingPeriod


class ReportingPeriodFactory(DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ("financial_year", "quarter")

    financial_year = 2013
    quarter = 1
