"""Layers point one way: ``csp_portal/lib`` is used by the apps and imports none of them.

The imports are read from the source with ``ast`` (including imports inside functions
and under ``TYPE_CHECKING``), so a lazy import cannot hide a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from csp_portal.lib.fragments import is_project_path

LIB = Path(settings.BASE_DIR) / "csp_portal" / "lib"


def _project_packages() -> set[str]:
    """The top-level packages of the project's installed apps (those inside BASE_DIR),
    plus every top-level folder of the project that is a package (an app not installed
    in these settings, such as ``benchmark`` or ``demo``, is still an app)."""
    base = Path(settings.BASE_DIR).resolve()
    names = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if is_project_path(Path(config.path))
    }
    names |= {p.parent.name for p in base.glob("*/__init__.py")}
    return names


def imported_modules(source: str) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def forbidden_imports(source: str, project: set[str]) -> set[str]:
    """The imports of one lib module that reach an app of the project. The project
    package itself (``csp_portal``: settings, celery) is not an app of the domain."""
    return {
        module
        for module in imported_modules(source)
        if module.split(".")[0] in project - {"csp_portal"}
    }


def test_the_project_packages_are_found():
    project = _project_packages()
    assert {"accounts", "partnerships", "priorities", "performance", "csp_portal"} <= project


@pytest.mark.parametrize(
    "source",
    [
        "from accounts.roles import Capability",
        "def f():\n    from partnerships.models import Partnership\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import performance.models\n",
        "import dhr",
        "from funding import models",
    ],
)
def test_the_check_sees_an_app_import(source):
    assert forbidden_imports(source, _project_packages())


def test_the_check_lets_lib_import_lib_and_django():
    source = "from csp_portal.lib.access import access_for\nfrom django.db import models\n"
    assert not forbidden_imports(source, _project_packages())


def test_csp_portal_lib_imports_no_app():
    project = _project_packages()
    found = {
        str(path.relative_to(LIB)): sorted(bad)
        for path in sorted(LIB.rglob("*.py"))
        if (bad := forbidden_imports(path.read_text(), project))
    }
    assert found == {}


def test_the_benchmark_trivial_view_is_not_a_portal_url():
    """Only benchmark.settings serves it (ROOT_URLCONF benchmark.urls)."""
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    with pytest.raises(NoReverseMatch):
        reverse("trivial", urlconf="csp_portal.urls")
    with pytest.raises(Resolver404):
        resolve("/benchmark/trivial/", urlconf="csp_portal.urls")
    assert resolve("/benchmark/trivial/", urlconf="benchmark.urls").url_name == "trivial"
    # The benchmark's URLs are the portal's plus that one.
    assert reverse("home", urlconf="benchmark.urls") == reverse("home", urlconf="csp_portal.urls")
