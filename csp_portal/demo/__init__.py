"""Demo data for trying the portal: reference data plus the partnerships, people, plans
and quarterly returns of the five seed documents (and a few synthetic ones beside them).

``manage.py seed_demo`` runs every loader in LOADERS, in order, inside one transaction.
A loader is a function with no arguments that returns a LoadResult. Each must be
idempotent: running it again changes nothing unless its source files changed. To add
demo data, write a loader in this package, reading its own file in fixtures/demo/, and
append it to LOADERS after the loaders it depends on.

Plans and returns (plans.py, returns.py) are built through the services, as the
partnership's people would have built them, on the demo clock (clock.py) so their dates
are the story's. A plan or return already in the database is left as it is, even if its
file has changed since (someone may have worked on it in the portal): to load an edited
plan or return file, start from an empty database.
"""

from __future__ import annotations

from csp_portal.demo.base import LoadResult
from csp_portal.demo.force_areas import load_force_area_details
from csp_portal.demo.partnerships import load_partnerships
from csp_portal.demo.people import load_people
from csp_portal.demo.plans import load_plans
from csp_portal.demo.reference import load_reference
from csp_portal.demo.returns import load_returns

LOADERS = [
    load_reference,
    load_force_area_details,
    load_partnerships,
    load_people,
    load_plans,
    load_returns,
]

__all__ = ["LOADERS", "LoadResult"]
