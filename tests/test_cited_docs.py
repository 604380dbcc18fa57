"""The documents the code cites live in the repository: no source file, template or test
points at the project notes kept outside it, and every docs/ page cited exists."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP = {".venv", "node_modules", "build", "staticfiles", "media", ".git"}
# The notes outside the repository, as the code used to cite them.
OUTSIDE = re.compile(
    r"\.\./shared|shared/docs|seeds-digest|domain-facts|DESIGN\.md|house-style\.md", re.I
)
CITED_DOC = re.compile(r"\bdocs/([\w.-]+\.md)")


def _sources() -> list[Path]:
    return [
        path
        for suffix in ("*.py", "*.html", "*.txt", "*.md")
        for path in ROOT.rglob(suffix)
        if not SKIP & set(path.relative_to(ROOT).parts)
        and path != Path(__file__)
        and path.name != "README.md"  # the lead's file; see the report
        and "fixtures" not in path.relative_to(ROOT).parts
    ]


def test_nothing_cites_the_notes_outside_the_repository():
    found = {
        str(path.relative_to(ROOT)): OUTSIDE.findall(path.read_text(errors="ignore"))
        for path in _sources()
        if path.parent.name != "docs" or path.name != "sources.md"
    }
    assert {k: v for k, v in found.items() if v} == {}


def test_every_docs_page_the_code_cites_exists():
    missing = {
        (str(path.relative_to(ROOT)), name)
        for path in _sources()
        for name in CITED_DOC.findall(path.read_text(errors="ignore"))
        if not (ROOT / "docs" / name).exists()
    }
    assert missing == set()


def test_the_pages_written_from_the_notes_are_there():
    for name in ("rag-rules.md", "norfolk-return-layout.md", "conventions.md", "sources.md"):
        assert (ROOT / "docs" / name).read_text().startswith("# ")
