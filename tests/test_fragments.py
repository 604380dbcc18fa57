"""Cached pieces of pages: keyed on the data's version and on the code that builds them."""

from __future__ import annotations

from csp_portal.lib import fragments


def test_a_piece_is_built_once_per_version(db):
    built = []

    def build():
        built.append(1)
        return "<p>piece</p>"

    assert fragments.cached_fragment("test", "v1", build) == "<p>piece</p>"
    assert fragments.cached_fragment("test", "v1", build) == "<p>piece</p>"
    assert len(built) == 1
    fragments.cached_fragment("test", "v2", build)
    assert len(built) == 2


def test_a_new_release_builds_pieces_again(db, monkeypatch):
    """Pieces built by the previous code are never served by a release that changed it."""
    built = []
    fragments.cached("test", "v1", lambda: built.append(1) or {"old": "shape"})
    monkeypatch.setattr(fragments, "code_version", lambda: "another-release")
    value = fragments.cached("test", "v1", lambda: built.append(1) or {"new": "shape"})
    assert value == {"new": "shape"}
    assert len(built) == 2


def test_the_code_version_follows_the_templates(tmp_path, settings, monkeypatch):
    for folder in fragments._CODE_DIRS:
        (tmp_path / folder).mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    fragments.code_version.cache_clear()
    first = fragments.code_version()
    (tmp_path / "templates" / "page.html").write_text("<p>two</p>")
    fragments.code_version.cache_clear()
    try:
        assert fragments.code_version() != first
    finally:
        fragments.code_version.cache_clear()
