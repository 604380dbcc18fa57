"""Demo details of force areas: police and crime plans, commissioners and objectives."""

from __future__ import annotations

from demo.base import (
    UNCHANGED,
    UPDATED,
    DemoDataError,
    LoadResult,
    read_demo_file,
    upsert,
)
from partnerships.models import ForceArea, PoliceAndCrimeObjective

# The only force-area fields the demo file may set; the rest is reference data.
DETAIL_FIELDS = ("commissioner_name", "police_and_crime_plan", "website")


def load_force_area_details() -> LoadResult:
    data = read_demo_file("force_areas.json")
    result = LoadResult("Force areas")
    areas = ForceArea.objects.in_bulk(
        [entry["slug"] for entry in data["force_areas"]], field_name="slug"
    )
    for entry in data["force_areas"]:
        area = areas.get(entry["slug"])
        if area is None:
            raise DemoDataError(f"force_areas.json: no force area with slug {entry['slug']!r}")
        details = {name: entry[name] for name in DETAIL_FIELDS if name in entry}
        changed = {name: value for name, value in details.items() if getattr(area, name) != value}
        if changed:
            # Laid over rows that loaddata has just (re)written without history; written
            # the same way, so that re-seeding adds no history rows.
            ForceArea.objects.filter(pk=area.pk).update(**changed)
        result.count("force areas with details", UPDATED if changed else UNCHANGED)

        existing = {o.code: o for o in PoliceAndCrimeObjective.objects.filter(force_area=area)}
        for order, objective in enumerate(entry.get("objectives", []), start=1):
            _, outcome = upsert(
                PoliceAndCrimeObjective,
                lookup={"force_area": area, "code": objective["code"]},
                values={"title": objective["title"], "order": order},
                existing=existing.get(objective["code"]),
            )
            result.count("police and crime objectives", outcome)
    return result
