"""Browser fixtures: Debian's Chromium through Playwright, and axe-core.

The ``browser`` marker's skip-or-fail logic stays in tests/conftest.py, which all tests
share; these fixtures only serve the tests of this folder.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="session")
def _playwright():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright, live_server):
    # Started after the live server, so closed before it: Chromium's open connections
    # then end while the server can still close their database connections.
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def axe_violations():
    """Run axe-core (vendored from the npm package) in a page; return its violations."""
    source = AXE_JS.read_text(encoding="utf-8")

    def run(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")):
        # Evaluated through DevTools rather than a <script> tag, which a strict CSP would block.
        page.evaluate(source + "\n;true")
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            list(tags),
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]

    return run
