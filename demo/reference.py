"""Reference data: the 43 police force areas and the statutory duty catalogue.

Both are plain Django fixtures in fixtures/reference/ (settings.FIXTURE_DIRS), with
fixed primary keys, so ``loaddata`` updates the same rows every time rather than adding
new ones. Note that it also resets any field an administrator edited on those rows.
"""

from __future__ import annotations

from collections import Counter

from django.core.management import call_command

from csp_portal.reference import REFERENCE_FIXTURES
from demo.base import LoadResult
from partnerships.models import ForceArea, StatutoryDuty


def load_reference() -> LoadResult:
    call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)
    result = LoadResult("Reference data")
    result.counts["force areas"] = Counter(loaded=ForceArea.objects.count())
    result.counts["statutory duties"] = Counter(loaded=StatutoryDuty.objects.count())
    return result
