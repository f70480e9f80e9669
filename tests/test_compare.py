"""Comparing practices: /pratiques/comparer/?pratique=<slug>&pratique=<slug>…"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from practices.documents import Document
from practices.models import Practice
from tests.conftest import as_read
from tests.factories import make_lever, make_practice, make_sector

pytestmark = pytest.mark.django_db

URL = "/pratiques/comparer/"


@pytest.fixture
def practices(db):
    lever = make_lever(name="Clauses sociales")
    sector = make_sector(name="Restauration collective")
    return [
        make_practice(
            levers=[lever],
            sectors=[sector],
            figures=[("montant", 5993493)],
            title=f"Pratique comparée {n}",
            success_conditions=f"Condition **{n}**",
            watch_points=f"Vigilance {n}",
            evidence_level="chiffre",
        )
        for n in range(6)
    ]


def columns(response):
    return re.findall(r'<th scope="col"><a href="/pratiques/([^/]+)/">', response.content.decode())


def test_two_practices_side_by_side_in_one_table(client, practices):
    a, b = practices[:2]
    response = client.get(URL, {"pratique": [a.slug, b.slug]})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<table") == 1
    assert columns(response) == [a.slug, b.slug]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', html)
    assert rows == [
        "Territoire",
        "Collectivité",
        "Leviers et bases légales",
        "Secteurs",
        "Années",
        "Chiffres clés",
        "Conditions de réussite",
        "Points de vigilance",
        "Documents",
        "Contact",
        "Niveau de preuve",
    ]
    assert "<strong>0</strong>" in html and "Vigilance 1" in html
    assert '<span class="figure-number">5\u202f993\u202f493</span>' in html
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_four_practices(client, practices):
    slugs = [p.slug for p in practices[:4]]
    response = client.get(URL, {"pratique": slugs})
    assert columns(response) == slugs
    assert 'role="alert"' not in response.content.decode()


def test_five_practices_keep_the_first_four_and_say_so(client, practices):
    slugs = [p.slug for p in practices[:5]]
    response = client.get(URL, {"pratique": slugs})
    assert columns(response) == slugs[:4]
    assert "4 pratiques au plus" in response.content.decode()


def test_unknown_unpublished_and_duplicate_slugs_each_get_a_message(client, practices):
    a, b, draft = practices[:3]
    Practice.objects.filter(pk=draft.pk).update(status=Practice.Status.DRAFT)
    response = client.get(
        URL, {"pratique": [a.slug, "inconnue", a.slug, draft.slug, b.slug, "x\x00y"]}
    )
    html = as_read(response.content.decode())
    assert response.status_code == 200
    assert columns(response) == [a.slug, b.slug]
    assert "« inconnue »" in html
    assert f"« {draft.slug} »" in html
    assert "demandée deux fois" in html
    assert "caractères non autorisés" in html


def test_a_too_long_identifier_is_called_too_long(client, practices):
    a, b = practices[:2]
    response = client.get(URL, {"pratique": [a.slug, "a" * 5000, b.slug]})

    html = response.content.decode()
    assert columns(response) == [a.slug, b.slug]
    assert "Un identifiant de pratique est trop long (200 caractères au plus)." in html
    assert "caractères non autorisés" not in html


def test_fewer_than_two_asks_for_more_without_error(client, practices):
    for params in ({}, {"pratique": practices[0].slug}, {"pratique": ["a" * 5000, "b"]}):
        response = client.get(URL, params)
        assert response.status_code == 200
        assert "au moins deux pratiques" in response.content.decode()


def test_list_cards_have_a_compare_checkbox_in_a_get_form(client, practices):
    html = client.get("/pratiques/").content.decode()
    assert (
        '<form id="comparer" class="compare-form" method="get" action="/pratiques/comparer/">'
        in html
    )
    assert (
        f'<input type="checkbox" name="pratique" value="{practices[0].slug}" '
        f'id="comparer-{practices[0].slug}" form="comparer">'
    ) in html
    assert 'form="comparer" class="button' in html


def cell(html, row, column):
    """The text of `row`'s cell in `column` (0 for the first practice)."""
    cells = re.search(rf'<th scope="row">{row}</th>(.*?)</tr>', html, re.S).group(1)
    return re.findall(r"<td>(.*?)</td>", cells, re.S)[column]


def test_documents_and_ways_to_reach_each_practice_are_compared(client, practices, settings):
    settings.PORTAL_EDITORS_EMAILS = []
    a, b, c = practices[:3]
    Document.objects.create(
        practice=a,
        title="Clause type d'insertion",
        kind=Document.Kind.CLAUSE,
        file=SimpleUploadedFile("clause.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    Practice.objects.filter(pk=a.pk).update(contact_email="referent@example.org")
    Practice.objects.filter(pk=b.pk).update(
        contact_email="", contact_name="Service achats", contact_url="https://example.org/ecrire"
    )
    Practice.objects.filter(pk=c.pk).update(contact_email="", contact_url="")

    html = as_read(client.get(URL, {"pratique": [a.slug, b.slug, c.slug]}).content.decode())

    assert ">Clause type d&#x27;insertion</a>" in cell(html, "Documents", 0)
    assert "Clause type (PDF" in cell(html, "Documents", 0)
    assert "Aucun" in cell(html, "Documents", 1)
    assert f'href="/pratiques/{a.slug}/contacter/"' in cell(html, "Contact", 0)
    assert "referent@example.org" not in html
    assert "Service achats" in cell(html, "Contact", 1)
    assert 'href="https://example.org/ecrire"' in cell(html, "Contact", 1)
    assert "/contacter/" not in cell(html, "Contact", 1)
    assert "Aucun contact n'est publié" in cell(html, "Contact", 2)
    assert 'href="/contact/"' in cell(html, "Contact", 2)


def test_query_budget(client, practices, django_assert_max_num_queries):
    slugs = [p.slug for p in practices[:4]]
    # The practices, then their levers, legal bases, sectors, key figures and documents.
    with django_assert_max_num_queries(6):
        client.get(URL, {"pratique": slugs})
