"""Cached pieces of pages: keyed on the data's version and on the code that builds them."""

from __future__ import annotations

from pathlib import Path

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


def test_the_code_version_follows_the_templates(tmp_path, settings):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
    fragments.code_version.cache_clear()
    try:
        first = fragments.code_version()
        (tmp_path / "templates" / "page.html").write_text("<p>two</p>")
        fragments.code_version.cache_clear()
        assert fragments.code_version() != first
    finally:
        fragments.code_version.cache_clear()


def test_the_code_version_covers_every_installed_app_of_the_project(settings):
    folders = {folder.name for folder in fragments.code_folders()}
    # Apps the digest once missed (it had a fixed list of folders), and the templates.
    assert {"dhr", "funding", "demo", "accounts", "csp_portal", "templates"} <= folders
    # Third-party apps are outside the project.
    assert "guardian" not in folders
    assert "rest_framework" not in folders


def test_a_newly_installed_project_app_changes_the_code_version(tmp_path, settings, monkeypatch):
    """An app added to INSTALLED_APPS is covered with no list to update."""
    app = tmp_path / "newly_added_app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "views.py").write_text("VERSION = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.BASE_DIR = tmp_path
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "newly_added_app"]
    fragments.code_version.cache_clear()
    try:
        first = fragments.code_version()
        (app / "views.py").write_text("VERSION = 2\n")
        fragments.code_version.cache_clear()
        assert fragments.code_version() != first
    finally:
        fragments.code_version.cache_clear()


def test_a_virtualenv_inside_the_project_folder_is_not_the_projects_code(settings):
    """A fresh clone keeps its .venv inside the project's folder (as CI does): Django and
    guardian there are installed packages, not apps of the project."""
    import sys

    import django
    import guardian

    settings.BASE_DIR = Path(sys.prefix).resolve().parent  # the folder holding the venv
    assert not fragments.is_project_path(Path(django.__file__).parent)
    assert not fragments.is_project_path(Path(guardian.__file__).parent)
    names = {folder.name for folder in fragments.code_folders()}
    assert "guardian" not in names
    assert "django" not in names
