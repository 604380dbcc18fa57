"""manage.py load_reference_data: add the reference rows a deployment lacks.

The 43 police force areas and the statutory duty catalogue (fixtures/reference/).
Unlike ``loaddata`` (which ``seed_demo`` uses), it never overwrites a row that already
exists, so what site administrators have edited (a commissioner's name, say) survives
every deploy. Safe to run on every release; docker-compose's migrate job does.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction

from csp_portal.reference import REFERENCE_FIXTURES


class Command(BaseCommand):
    help = (
        "Add missing reference data (force areas, statutory duties) without changing existing rows."
    )

    def handle(self, *args, **options) -> None:
        fixture_dir = Path(settings.FIXTURE_DIRS[0])
        with transaction.atomic():
            for name in REFERENCE_FIXTURES:
                added = kept = 0
                with open(fixture_dir / f"{name}.json") as handle:
                    for item in serializers.deserialize("json", handle):
                        model = type(item.object)
                        if model._default_manager.filter(pk=item.object.pk).exists():
                            kept += 1
                            continue
                        item.save()
                        added += 1
                self.stdout.write(f"{name}: {added} added, {kept} already present")
