"""Returns in every state, made through the real services, for the dashboard, overview,
exchange and API tests."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

from accounts.roles import Role
from performance.models import PerformanceReturn
from performance.services import (
    performance_return_approve,
    performance_return_query,
    performance_return_submit,
    return_section_save,
)
from tests.accounts.factories import UserFactory
from tests.conftest import grant
from tests.performance.builders import started_return

ANSWERS = {
    "summary": "Priority crime is below target.",
    "milestones_reached": "Action plan agreed.",
    "milestones_missed": "None.",
    "prospects": "Likely to be achieved.",
    "rag_statement": "",
    "rag_justification": "",
}


def staff(partnership) -> tuple:
    """An officer and a manager of the partnership (made once per partnership)."""
    officer = UserFactory(email=f"officer.{partnership.slug}@example.org", name="Builder Officer")
    manager = UserFactory(email=f"manager.{partnership.slug}@example.org", name="Builder Manager")
    if not officer.role_grants.exists():
        grant(officer, Role.OFFICER, partnership=partnership)
        grant(manager, Role.MANAGER, partnership=partnership)
    return officer, manager


def fill(
    ret, by, *, value=Decimal(90), values=None, assessed="green", justification="Local knowledge."
):
    """Answer every section: each measure gets ``values[(priority, measure)]`` or
    ``value``; every section the ``assessed`` colour."""
    values = values or {}
    for section in ret.sections.select_related("priority").order_by("order"):
        section.refresh_from_db()
        entered = {}
        for mv in section.values.select_related("measure"):
            v = values.get((section.priority.code, mv.measure.code), value)
            entered[mv.pk] = (
                {"value": None, "no_data": True, "no_data_reason": "Not published yet"}
                if v == "no data"
                else {"value": v, "no_data": False}
            )
        return_section_save(
            section=section,
            revision=section.revision,
            fields={
                **ANSWERS,
                "assessed_rag": assessed,
                "rag_justification": justification,
            },
            values=entered,
            by=by,
        )
    return ret


def make_return(
    partnership,
    *,
    financial_year=2013,
    quarter=1,
    state="approved",
    value=Decimal(90),
    values=None,
    assessed="green",
) -> PerformanceReturn:
    """A return in ``state``: draft (started, filled in), submitted, approved, queried,
    or started (nothing filled in)."""
    officer, manager = staff(partnership)
    ret = started_return(partnership, officer, financial_year=financial_year, quarter=quarter)
    if state == "started":
        return ret
    fill(ret, officer, value=value, values=values, assessed=assessed)
    if state == "draft":
        return PerformanceReturn.objects.get(pk=ret.pk)
    performance_return_submit(performance_return=ret, by=officer)
    if state == "submitted":
        return PerformanceReturn.objects.get(pk=ret.pk)
    performance_return_approve(performance_return=ret, by=manager)
    if state == "queried":
        pcc = UserFactory(email=f"pcc.{partnership.force_area.slug}@example.org")
        if not pcc.role_grants.exists():
            grant(pcc, Role.PCC_REVIEWER, force_area=partnership.force_area)
        performance_return_query(performance_return=ret, by=pcc, comment="Please explain B.")
    return PerformanceReturn.objects.select_related("period", "partnership").get(pk=ret.pk)


# Reading pages back -------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every table on a page as (caption, rows of cell texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._caption: list[str] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("p", "li", "br", "div") and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            caption, rows = self.tables[-1]
            self.tables[-1] = (" ".join("".join(self._caption).split()), rows)
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def tables(html: str) -> list[tuple[str, list[list[str]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def table(html: str, caption_contains: str) -> list[list[str]]:
    """The rows (header row first) of the table whose caption contains the text."""
    for caption, rows in tables(html):
        if caption_contains in caption:
            return rows
    raise AssertionError(
        f"No table captioned {caption_contains!r}; captions: {[c for c, _ in tables(html)]}"
    )
