"""Demo data for trying the portal: reference data plus the partnerships, people (and,
later, plans and returns) of the five seed documents.

``manage.py seed_demo`` runs every loader in LOADERS, in order, inside one transaction.
A loader is a function with no arguments that returns a LoadResult. Each must be
idempotent: running it again changes nothing unless its source files changed. To add
demo data (plans, quarterly returns…), write a loader in this package, reading its own
file in fixtures/demo/, and append it to LOADERS after the loaders it depends on.
"""

from __future__ import annotations

from csp_portal.demo.base import LoadResult
from csp_portal.demo.force_areas import load_force_area_details
from csp_portal.demo.partnerships import load_partnerships
from csp_portal.demo.people import load_people
from csp_portal.demo.reference import load_reference

LOADERS = [load_reference, load_force_area_details, load_partnerships, load_people]

__all__ = ["LOADERS", "LoadResult"]
