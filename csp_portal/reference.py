"""The reference data every deployment has: the 43 police force areas and the statutory
duty catalogue, Django fixtures in fixtures/reference/ (settings.FIXTURE_DIRS).

``manage.py load_reference_data`` (every deploy) adds the rows a database lacks; the demo
app's ``seed_demo`` loads them with ``loaddata``. Here, not in the demo app, because
production needs them and the demo app is for trying the portal."""

from __future__ import annotations

REFERENCE_FIXTURES = ("force_areas", "statutory_duties")
