"""Demo partnerships of the seed documents, with their member organisations and boards.

Reads fixtures/demo/organisations.json and fixtures/demo/partnerships.json. Rows are
matched on their natural keys (organisation name; partnership slug; organisation within
a partnership; board name within a partnership), so loading again updates in place.
"""

from __future__ import annotations

from typing import Any

from demo.base import DemoDataError, LoadResult, read_demo_file, upsert
from partnerships.models import Board, ForceArea, Membership, Organisation, Partnership


def load_partnerships() -> LoadResult:
    result = LoadResult("Partnerships")
    organisations = _load_organisations(result)
    data = read_demo_file("partnerships.json")
    areas = ForceArea.objects.in_bulk(field_name="slug")
    existing = Partnership.objects.in_bulk(
        [entry["slug"] for entry in data["partnerships"]], field_name="slug"
    )
    loaded: dict[str, Partnership] = {}
    for entry in data["partnerships"]:
        slug = entry["slug"]
        area = areas.get(entry["force_area"])
        if area is None:
            raise DemoDataError(f"{slug}: no force area with slug {entry['force_area']!r}")
        parent = None
        if entry.get("parent"):
            parent = loaded.get(entry["parent"])
            if parent is None:
                raise DemoDataError(
                    f"{slug}: parent {entry['parent']!r} must be listed before it in partnerships.json"
                )
        partnership, outcome = upsert(
            Partnership,
            lookup={"slug": slug},
            values={
                "name": entry["name"],
                "short_name": entry.get("short_name", ""),
                "tier": entry["tier"],
                "force_area": area,
                "parent": parent,
                "area_description": entry.get("area_description", ""),
                "website": entry.get("website", ""),
                "active": True,
            },
            existing=existing.get(slug),
        )
        result.count("partnerships", outcome)
        loaded[slug] = partnership
        _load_members(partnership, entry.get("members", []), organisations, result)
        _load_boards(partnership, entry.get("boards", []), result)
    return result


def _load_organisations(result: LoadResult) -> dict[str, Organisation]:
    entries = read_demo_file("organisations.json")["organisations"]
    existing = Organisation.objects.in_bulk([e["name"] for e in entries], field_name="name")
    organisations = {}
    for entry in entries:
        organisation, outcome = upsert(
            Organisation,
            lookup={"name": entry["name"]},
            values={"type": entry["type"], "website": entry.get("website", "")},
            existing=existing.get(entry["name"]),
        )
        organisations[entry["name"]] = organisation
        result.count("organisations", outcome)
    return organisations


def _load_members(
    partnership: Partnership,
    entries: list[dict[str, Any]],
    organisations: dict[str, Organisation],
    result: LoadResult,
) -> None:
    existing = {m.organisation_id: m for m in Membership.objects.filter(partnership=partnership)}
    for entry in entries:
        organisation = organisations.get(entry["organisation"])
        if organisation is None:
            raise DemoDataError(
                f"{partnership.slug}: {entry['organisation']!r} is not in organisations.json"
            )
        _, outcome = upsert(
            Membership,
            lookup={"partnership": partnership, "organisation": organisation},
            values={"kind": entry["kind"], "notes": entry.get("notes", "")},
            existing=existing.get(organisation.pk),
        )
        result.count("memberships", outcome)


def _load_boards(
    partnership: Partnership, entries: list[dict[str, Any]], result: LoadResult
) -> None:
    boards = {b.name: b for b in Board.objects.filter(partnership=partnership)}
    seen: set[str] = set()
    for entry in entries:
        parent = None
        if entry.get("reports_to"):
            if entry["reports_to"] not in seen:
                raise DemoDataError(
                    f"{partnership.slug}: board {entry['name']!r} reports to "
                    f"{entry['reports_to']!r}, which must be listed before it"
                )
            parent = boards[entry["reports_to"]]
        board, outcome = upsert(
            Board,
            lookup={"partnership": partnership, "name": entry["name"]},
            values={
                "kind": entry["kind"],
                "parent": parent,
                "chair": entry.get("chair", ""),
                "remit": entry.get("remit", ""),
                "meets": entry.get("meets", ""),
                "active": True,
            },
            existing=boards.get(entry["name"]),
        )
        boards[board.name] = board
        seen.add(board.name)
        result.count("boards and groups", outcome)
