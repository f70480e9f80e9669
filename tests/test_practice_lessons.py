"""Lessons learned and evidence level: page, facet, API, feed, CSV, case studies."""

import csv
import io
from html import unescape

import pytest

from practices.models import Practice
from tests.conftest import as_read
from tests.factories import make_lever, make_practice, make_staff, practice_admin_form_data

pytestmark = pytest.mark.django_db

LESSONS = {
    "success_conditions": "Un **portage politique** fort.",
    "watch_points": "Le premier lot est resté *infructueux*.",
    "means": "Deux agents à mi-temps.",
}


@pytest.fixture
def lever():
    return make_lever(slug="clauses-sociales", name="Clauses sociales")


def test_filled_lessons_are_sections_of_the_page(client, lever):
    practice = make_practice(
        levers=[lever], evidence_level=Practice.EvidenceLevel.EVALUATED, **LESSONS
    )
    html = as_read(client.get(practice.get_absolute_url()).content.decode())
    assert '<h2 id="conditions-de-reussite">Conditions de réussite</h2>' in html
    assert "<strong>portage politique</strong>" in html
    assert '<h2 id="points-de-vigilance">Points de vigilance</h2>' in html
    assert "<em>infructueux</em>" in html
    assert '<h2 id="moyens-mobilises">Moyens mobilisés</h2>' in html
    assert "<strong>Évalué</strong> : Une évaluation formelle" in html


def test_empty_lessons_leave_no_empty_section(client, lever):
    practice = make_practice(levers=[lever])
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "conditions-de-reussite" not in html
    assert "points-de-vigilance" not in html
    assert "moyens-mobilises" not in html
    assert "<strong>Déclaratif</strong>" in html


def test_lessons_are_sanitized_like_the_body(client, lever):
    practice = make_practice(levers=[lever], watch_points="<script>alert(1)</script> Attention")
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "Attention" in html


def test_evidence_levels_question_mark_never_starts_a_line(client, lever):
    # At 360 px the summary wrapped before its « ? », left alone on the second line, on
    # every practice page, the list and the comparison: French puts a no-break space there.
    practice = make_practice(levers=[lever])
    for url in [practice.get_absolute_url(), "/pratiques/"]:
        page = unescape(client.get(url).content.decode())
        assert "<summary>Que signifient les niveaux de preuve\u00a0?</summary>" in page, url


def test_evidence_facet_filters_and_counts(client, lever):
    make_practice(levers=[lever], title="Mesurée", evidence_level="chiffre")
    make_practice(levers=[lever], title="Évaluée", evidence_level="evalue")
    make_practice(levers=[lever], title="Déclarée")
    response = client.get("/pratiques/", {"preuve": "evalue"})
    titles = [p.title for p in response.context["practices"]]
    assert titles == ["Évaluée"]
    counts = {c["value"]: c["count"] for c in response.context["facets"]["preuve"]}
    # Each facet counts the other filters only: ticking « chiffré » would add one.
    assert counts == {"declaratif": 1, "chiffre": 1, "evalue": 1}
    assert [c["value"] for c in response.context["facets"]["preuve"] if c["selected"]] == ["evalue"]
    both = client.get("/pratiques/", {"preuve": ["evalue", "chiffre"]})
    assert {p.title for p in both.context["practices"]} == {"Mesurée", "Évaluée"}


def test_unknown_evidence_level_gets_a_french_message(client, lever):
    make_practice(levers=[lever])
    response = client.get("/pratiques/", {"preuve": "certain"})
    assert response.status_code == 200
    assert "preuve" in response.context["filter"].errors
    assert len(response.context["practices"]) == 1
    assert client.get("/api/pratiques/", {"preuve": "certain"}).status_code == 400


def test_api_gives_lessons_and_evidence(client, lever):
    practice = make_practice(levers=[lever], evidence_level="chiffre", **LESSONS)
    data = client.get(f"/api/pratiques/{practice.slug}/").json()
    assert data["conditions_de_reussite"] == LESSONS["success_conditions"]
    assert data["points_de_vigilance"] == LESSONS["watch_points"]
    assert data["moyens"] == LESSONS["means"]
    assert data["niveau_de_preuve"]["code"] == "chiffre"
    assert data["niveau_de_preuve"]["libelle"] == "Chiffré"
    assert data["documents"] == []
    listed = client.get("/api/pratiques/", {"preuve": "chiffre"}).json()
    assert [p["slug"] for p in listed["resultats"]] == [practice.slug]


def test_openapi_describes_the_new_keys(client):
    document = client.get("/api/openapi.json").json()
    detail = document["paths"]["/pratiques/{slug}/"]["get"]["responses"]["200"]
    schema = detail["content"]["application/json"]["schema"]
    for key in ("conditions_de_reussite", "points_de_vigilance", "moyens", "documents"):
        assert key in schema["required"]
    assert "niveau_de_preuve" in schema["properties"]
    names = [p["name"] for p in document["paths"]["/pratiques/"]["get"]["parameters"]]
    assert "preuve" in names


def test_feed_and_csv_carry_the_evidence_level(client, lever):
    make_practice(levers=[lever], evidence_level="evalue", **LESSONS)
    feed = client.get("/pratiques/flux/", {"preuve": "evalue"}).content.decode()
    assert 'term="Niveau de preuve : Évalué"' in feed
    body = b"".join(client.get("/pratiques/export.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert rows[0]["Niveau de preuve"] == "Évalué"
    assert rows[0]["Conditions de réussite"] == LESSONS["success_conditions"]
    assert rows[0]["Points de vigilance"] == LESSONS["watch_points"]
    assert rows[0]["Moyens mobilisés"] == LESSONS["means"]


def test_editors_set_lessons_in_the_admin(client, lever):
    practice = make_practice(levers=[lever], status=Practice.Status.DRAFT, published_at=None)
    client.force_login(make_staff("Éditeurs"))
    url = f"/admin/practices/practice/{practice.pk}/change/"
    page = client.get(url).content.decode()
    assert "Conditions de réussite" in page and "Niveau de preuve" in page
    data = practice_admin_form_data(practice, evidence_level="evalue", **LESSONS)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    practice.refresh_from_db()
    assert practice.evidence_level == "evalue"
    assert practice.watch_points == LESSONS["watch_points"]


def test_lessons_are_searched(client, lever):
    make_practice(levers=[lever], watch_points="Attention aux délais de paiement.")
    response = client.get("/pratiques/", {"q": "paiement"})
    assert len(response.context["practices"]) == 1


def test_case_studies_carry_what_the_fiche_says(content):
    mayotte = Practice.objects.get(slug="mayotte-achat-socialement-responsable")
    assert "70 000 €" in mayotte.success_conditions
    assert "CRESS de Mayotte" in mayotte.means
    meurthe = Practice.objects.get(slug="meurthe-et-moselle-spaser-2021-2026")
    assert "fiches actions" in meurthe.success_conditions
    assert "gouvernance transversale" in meurthe.success_conditions.lower()
    assert "évaluation" in meurthe.success_conditions
    pas_de_calais = Practice.objects.get(slug="pas-de-calais-marche-insertion-colleges")
    assert pas_de_calais.evidence_level == Practice.EvidenceLevel.MEASURED
    assert "associations intermédiaires" in pas_de_calais.success_conditions
