"""load_reference_data adds missing reference rows and never changes existing ones."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from partnerships.models import ForceArea, StatutoryDuty


def test_it_adds_the_reference_data_once_and_keeps_edits(db):
    call_command("load_reference_data", stdout=StringIO())
    assert ForceArea.objects.count() == 43
    duties = StatutoryDuty.objects.count()
    assert duties > 10

    norfolk = ForceArea.objects.get(slug="norfolk")
    norfolk.commissioner_name = "A Commissioner"
    norfolk.save()
    StatutoryDuty.objects.order_by("pk").first().delete()

    out = StringIO()
    call_command("load_reference_data", stdout=out)
    norfolk.refresh_from_db()
    assert norfolk.commissioner_name == "A Commissioner"
    assert StatutoryDuty.objects.count() == duties
    assert "force_areas: 0 added, 43 already present" in out.getvalue()
    assert "statutory_duties: 1 added" in out.getvalue()
