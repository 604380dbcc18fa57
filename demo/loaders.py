"""The demo loaders, in the order seed_demo runs them (see the package docstring)."""

from __future__ import annotations

from demo.base import LoadResult
from demo.force_areas import load_force_area_details
from demo.partnerships import load_partnerships
from demo.people import load_people
from demo.plans import load_plans
from demo.reference import load_reference
from demo.returns import load_returns

LOADERS = [
    load_reference,
    load_force_area_details,
    load_partnerships,
    load_people,
    load_plans,
    load_returns,
]

__all__ = ["LOADERS", "LoadResult"]
