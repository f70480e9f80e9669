"""Lighthouse's accessibility score is 100 on the home, the list, a practice and the pages
a French public site must have, at both of Lighthouse's form factors (mobile, desktop).

Lighthouse adds a few checks of its own to axe-core's (tap target size, heading order,
label and accessible name matching…). It is pinned in .ci/lighthouse/package-lock.json and
installed by .ci/run (`npm ci --prefix .ci/lighthouse`); without it this test is skipped,
unless PORTAL_REQUIRE_BROWSER=1. Each audit takes several seconds: the pages are the page
types, not every URL (axe-core checks every page type in test_public_pages.py).
"""

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import CHROMIUM
from tests.servers import ROOT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LIGHTHOUSE_DIR = ROOT / ".ci" / "lighthouse"
AUDIT_SCRIPT = LIGHTHOUSE_DIR / "audit.mjs"
PAGES = [
    "/",
    "/pratiques/",
    "/pratiques/?levier=clauses-sociales&departement=35&departement=976",
    "/pratiques/mayotte-achat-socialement-responsable/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/plan-du-site/",
    "/contact/",
]
FORM_FACTORS = ("mobile", "desktop")


def lighthouse_missing_reason():
    if shutil.which("node") is None:
        return "Node.js is not installed (apt-get install nodejs npm)"
    if not (LIGHTHOUSE_DIR / "node_modules" / "lighthouse").is_dir():
        return "Lighthouse is not installed (npm ci --prefix .ci/lighthouse)"
    return None


@pytest.fixture
def lighthouse():
    missing = lighthouse_missing_reason()
    if missing:
        if os.environ.get("PORTAL_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"PORTAL_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)

    def audit(base_url, paths):
        done = subprocess.run(
            ["node", str(AUDIT_SCRIPT), base_url, *paths],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
            timeout=60 * len(paths) * len(FORM_FACTORS),
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]

    return audit


def describe(result):
    if result["error"]:
        return result["error"]
    return "; ".join(
        f"{audit['id']} ({audit['title']}): {', '.join(audit['nodes']) or 'page'}"
        for audit in result["failing"]
    )


def test_lighthouse_accessibility_is_100_on_every_page_type(lighthouse, live_server, content):
    results = lighthouse(live_server.url, PAGES)

    scores = {(r["path"], r["formFactor"]): r["score"] for r in results}
    assert set(scores) == {(path, factor) for path in PAGES for factor in FORM_FACTORS}
    failures = [
        f"{r['path']} [{r['formFactor']}] {r['score']}: {describe(r)}"
        for r in results
        if r["score"] != 100
    ]
    assert not failures, "Lighthouse accessibility below 100:\n" + "\n".join(failures)
