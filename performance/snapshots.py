"""A return as it was when submitted (ReturnVersion.content), and the differences
between two versions.

The snapshot holds everything the read view shows, as plain JSON, so a version can be
shown and compared even after the plan has been refreshed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from csp_portal.lib.numbers import plain_number

if TYPE_CHECKING:
    from performance.models import PerformanceReturn

SECTION_LABELS = {
    "sponsor": "Sponsor agency",
    "lead_officer": "Lead officer",
    "summary": "Summary narrative",
    "milestones_reached": "Milestones reached",
    "milestones_missed": "Milestones missed",
    "prospects": "Prospects and risks",
    "assessed_rag": "Overall traffic light assessment",
    "rag_statement": "Statement",
    "rag_justification": "Why the assessment differs from the measures",
    "suggested_rag": "What the measures suggest",
}
VALUE_LABELS = {
    "value": "Value for the quarter",
    "ytd_value": "Year to date",
    "target": "Target",
    "national_comparator": "National comparator",
    "note": "Note",
    "no_data": "No data available",
    "no_data_reason": "Why there is no data",
    "calculated_rag": "Calculated RAG",
}


def _number(value: Decimal | None) -> str | None:
    return None if value is None else plain_number(value)


def return_snapshot(ret: PerformanceReturn) -> dict[str, Any]:
    sections = (
        ret.sections.select_related("priority")
        .prefetch_related("values__measure")
        .order_by("order")
    )
    return {
        "partnership": ret.partnership.name,
        "period": ret.period.label,
        "plan": str(ret.plan),
        "sections": [
            {
                "priority_code": s.priority.code,
                "priority_title": s.priority.title,
                **{name: getattr(s, name) for name in SECTION_LABELS},
                "measures": [
                    {
                        "code": mv.measure.code,
                        "title": mv.measure.title,
                        "unit": mv.measure.unit,
                        "value": _number(mv.value),
                        "ytd_value": _number(mv.ytd_value),
                        "target": _number(mv.target),
                        "national_comparator": _number(mv.national_comparator),
                        "note": mv.note,
                        "no_data": mv.no_data,
                        "no_data_reason": mv.no_data_reason,
                        "calculated_rag": mv.calculated_rag,
                        "direction": mv.direction,
                    }
                    for mv in sorted(
                        s.values.all(), key=lambda v: (v.measure.order, v.measure.code)
                    )
                ],
            }
            for s in sections
        ],
    }


@dataclass(frozen=True)
class Change:
    where: str
    field: str
    before: Any
    after: Any

    @property
    def is_text(self) -> bool:
        return (
            isinstance(self.before, str)
            and isinstance(self.after, str)
            and (len(self.before) > 60 or len(self.after) > 60)
        )

    @property
    def inline_diff(self) -> SafeString:
        """Words removed in <del>, words added in <ins> (escaped)."""
        before, after = str(self.before or "").split(), str(self.after or "").split()
        parts = []
        for op, a1, a2, b1, b2 in difflib.SequenceMatcher(
            a=before, b=after, autojunk=False
        ).get_opcodes():
            if op == "equal":
                parts.append(escape(" ".join(before[a1:a2])))
            if op in ("delete", "replace"):
                parts.append(f"<del>{escape(' '.join(before[a1:a2]))}</del>")
            if op in ("insert", "replace"):
                parts.append(f"<ins>{escape(' '.join(after[b1:b2]))}</ins>")
        return mark_safe(" ".join(parts))  # noqa: S308 - every part is escaped above


def _key(section: dict) -> str:
    return section["priority_code"]


def diff_versions(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    old_sections = {_key(s): s for s in before.get("sections", [])}
    for section in after.get("sections", []):
        where = f"Priority {section['priority_code']}"
        old = old_sections.pop(_key(section), None)
        if old is None:
            changes.append(Change(where, "Priority", None, section["priority_title"]))
            continue
        for name, label in SECTION_LABELS.items():
            if old.get(name) != section.get(name):
                changes.append(Change(where, label, old.get(name), section.get(name)))
        old_values = {m["code"]: m for m in old.get("measures", [])}
        for measure in section.get("measures", []):
            previous = old_values.get(measure["code"], {})
            for name, label in VALUE_LABELS.items():
                if previous.get(name) != measure.get(name):
                    changes.append(
                        Change(
                            f"{where}, measure {measure['code']}",
                            label,
                            previous.get(name),
                            measure.get(name),
                        )
                    )
    for code, section in old_sections.items():
        changes.append(Change(f"Priority {code}", "Priority", section["priority_title"], None))
    return changes
