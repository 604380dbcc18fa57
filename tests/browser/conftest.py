"""Real Chromium through Playwright, against pytest-django's live server.

``page`` signs nobody in; use ``sign_in(page, user)``. ``assert_accessible(page)`` runs
axe-core (WCAG 2.2 A and AA rules) on the current page and fails with the violations.
Browser tests need the built front end (``make test`` builds it first).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CSP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def _new_page(browser, live_server, *, javascript: bool):
    # bypass_csp lets axe-core be injected; the portal's own pages never need it.
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, java_script_enabled=javascript, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context, page = _new_page(browser, live_server, javascript=True)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser, live_server, transactional_db):
    context, page = _new_page(browser, live_server, javascript=False)
    yield page
    context.close()


def sign_in(page, user, password: str | None = None) -> None:
    from tests.accounts.factories import PASSWORD

    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _load_axe_without_javascript(page, axe: Path) -> None:
    """On a page opened with JavaScript disabled, script tags do not run and timers never
    fire, but Playwright can still evaluate code. Load axe-core by evaluating its source,
    with a setTimeout that runs on the next microtask (axe defers its work with timers).
    The page's own scripts stay off, so axe checks the page as a no-JavaScript visitor
    gets it."""
    page.evaluate(
        """(source) => {
            window.setTimeout = (fn, _ms, ...args) => {
                Promise.resolve().then(() => fn(...args));
                return 0;
            };
            window.clearTimeout = () => {};
            (0, eval)(source);
        }""",
        axe.read_text(),
    )


def assert_accessible(page, name: str | None = None) -> None:
    """axe-core finds no WCAG 2.2 A/AA violation on the current page."""
    axe = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
    page.add_script_tag(path=str(axe))
    if page.evaluate("() => typeof window.axe") == "undefined":
        _load_axe_without_javascript(page, axe)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = result["violations"]
    if violations:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = (name or page.url.split("//", 1)[-1]).replace("/", "_").replace(":", "_")
        page.screenshot(path=str(ARTIFACTS / f"axe-{stem}.png"), full_page=True)
        summary = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in violations
        ]
        pytest.fail(f"axe-core violations on {page.url}:\n{json.dumps(summary, indent=2)}")
