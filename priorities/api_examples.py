"""Example bodies for the API schema (each operation shows one; see docs/api.md)."""

from __future__ import annotations

AN_ADOPTED_PLAN = {
    "code": "11111111-2222-4333-8444-555555555555",
    "partnership": "norfolk-ccsp",
    "title": "Community Safety Plan",
    "first_year": 2013,
    "last_year": 2015,
    "period": "2013–2016",
    "version": 1,
    "previous": None,
    "status": "adopted",
    "summary": "Our priorities for three years.",
    "adopted_on": "2013-04-01",
    "adopted_by": "CSP Board",
}

A_PRIORITY = {
    "uid": "22222222-3333-4444-8555-666666666666",
    "code": "A",
    "title": "Reduce priority crime",
    "description": "",
    "plan": "11111111-2222-4333-8444-555555555555",
    "partnership": "norfolk-ccsp",
    "sponsor": None,
    "lead_officer": "Jo Smith",
    "objectives": [{"code": "1", "title": "Fewer victims"}],
    "order": 1,
}

AN_ACTION = {
    "code": "33333333-4444-4555-8666-777777777777",
    "priority": "22222222-3333-4444-8555-666666666666",
    "priority_code": "A",
    "plan": "11111111-2222-4333-8444-555555555555",
    "partnership": "norfolk-ccsp",
    "description": "Run a campaign",
    "lead": "Norfolk Constabulary",
    "lead_organisation": "Norfolk Constabulary",
    "lead_board": None,
    "lead_text": "",
    "deadline_date": "2014-03-31",
    "deadline_text": "",
    "status": "in_progress",
    "rag": "green",
    "progress_note": "",
    "completed_on": None,
    "is_overdue": False,
}

A_MEASURE = {
    "uid": "44444444-5555-4666-8777-888888888888",
    "lineage": "55555555-6666-4777-8888-999999999999",
    "code": "(i)",
    "title": "Priority crime",
    "priority": "22222222-3333-4444-8555-666666666666",
    "priority_code": "A",
    "plan": "11111111-2222-4333-8444-555555555555",
    "partnership": "norfolk-ccsp",
    "target_text": "Below 100",
    "unit": "count",
    "polarity": "lower",
    "target_basis": "",
    "baseline_value": "120.00",
    "baseline_label": "2012/13",
    "baseline_date": None,
    "tolerance_percent": "5.00",
    "national_comparator": None,
    "national_comparator_label": "",
    "data_owner": "Police",
    "targets": [{"financial_year": 2013, "period": "year", "value": "100.00"}],
}
