"""Example bodies for the API schema (each operation shows one; see docs/api.md)."""

from __future__ import annotations

A_MEASURE_VALUE = {
    "priority_code": "A",
    "measure": "55555555-6666-4777-8888-999999999999",
    "measure_code": "(i)",
    "measure_title": "Priority crime",
    "unit": "count",
    "polarity": "lower",
    "value": "95.00",
    "ytd_value": None,
    "target": "100.00",
    "national_comparator": None,
    "note": "",
    "no_data": False,
    "no_data_reason": "",
    "calculated_rag": "green",
    "direction": "better",
    "section_revision": 3,
    "section_suggested_rag": "green",
}

A_DRAFT_RETURN = {
    "url": "https://portal.example/api/v1/returns/66666666-7777-4888-8999-aaaaaaaaaaaa/",
    "code": "66666666-7777-4888-8999-aaaaaaaaaaaa",
    "partnership": "norfolk-ccsp",
    "partnership_name": "Norfolk County CSP",
    "period": "2013-q2",
    "period_label": "Q2 2013/14",
    "submission_deadline": "2013-11-10",
    "status": "draft",
    "queried": False,
    "submitted_at": None,
    "approved_at": None,
}

A_DRAFT_RETURN_3 = {
    "url": "https://portal.example/api/v1/returns/66666666-7777-4888-8999-aaaaaaaaaaaa/",
    "code": "66666666-7777-4888-8999-aaaaaaaaaaaa",
    "partnership": "norfolk-ccsp",
    "partnership_name": "Norfolk County CSP",
    "period": "2013-q2",
    "period_label": "Q2 2013/14",
    "submission_deadline": "2013-11-10",
    "status": "draft",
    "queried": False,
    "submitted_at": None,
    "approved_at": None,
    "sections": [
        {
            "priority_code": "A",
            "priority_title": "Reduce priority crime",
            "sponsor": "",
            "lead_officer": "",
            "summary": "",
            "milestones_reached": "",
            "milestones_missed": "",
            "prospects": "",
            "assessed_rag": "",
            "rag_statement": "",
            "rag_justification": "",
            "suggested_rag": "green",
            "revision": 3,
            "measure_values": [],
        }
    ],
}

A_VALUE = {"value": "95.00", "note": "Up on last quarter"}

NO_DATA = {"no_data": True, "no_data_reason": "Not published yet"}
