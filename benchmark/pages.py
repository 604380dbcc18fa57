"""The pages the benchmark measures, in the data set that benchmark/dataset.py builds, and
who looks at each (benchmark/run.py; tests/test_benchmark_dataset.py opens them too)."""

from __future__ import annotations

from django.urls import reverse

from partnerships.models import Partnership
from performance.models import PerformanceReturn


def pages() -> list[dict]:
    p = Partnership.objects.select_related("force_area").get(slug="bench-001")
    returns = PerformanceReturn.objects.filter(partnership=p).order_by(
        "-period__financial_year", "-period__quarter"
    )
    draft = returns.filter(status="draft").select_related("period").first()
    # The second newest approved return: a settled one, as a reviewer would open.
    approved = returns.filter(status="approved")[1]
    section = draft.sections.select_related("priority").order_by("order").first()
    pcc = f"pcc@{p.force_area.slug}.bench.example.org"
    officer = f"officer@{p.slug}.example.org"
    return [
        {
            "name": "Trivial view (same middleware)",
            "url": reverse("trivial"),
            "user": officer,
            "trivial": True,
        },
        {
            "name": "Accessibility statement (a static page in the layout, for reference)",
            "url": reverse("accessibility"),
            "user": officer,
            "reference": True,
        },
        {
            "name": "Performance dashboard",
            "url": reverse("performance:dashboard", kwargs={"partnership": p.slug}),
            "user": officer,
        },
        {
            "name": "Return form (one section)",
            "url": reverse(
                "performance:return_section",
                kwargs={
                    "partnership": p.slug,
                    "code": draft.code,
                    "priority": section.priority.code,
                },
            ),
            "user": officer,
        },
        {
            "name": "Return read view",
            "url": reverse(
                "performance:return_detail", kwargs={"partnership": p.slug, "code": approved.code}
            ),
            "user": pcc,
        },
        {
            "name": "Force-area overview",
            "url": reverse("performance:overview", kwargs={"force_area": p.force_area.slug})
            + f"?period={draft.period.slug}",
            "user": pcc,
        },
    ]
