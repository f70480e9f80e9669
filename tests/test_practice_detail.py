"""A practice's page /pratiques/<slug>/, and the staff preview of unpublished practices."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from levers.models import LegalBasis
from practices.models import Partner, Practice, Recognition

from .factories import make_fiche, make_lever, make_practice, make_sector

PAS_DE_CALAIS = "/pratiques/pas-de-calais-marche-insertion-colleges/"


def body(response):
    return response.content.decode()


def test_practice_page_shows_summary_authority_department_and_dates(client, content):
    response = client.get(PAS_DE_CALAIS)
    assert response.status_code == 200
    page = body(response)
    assert "<h1>Un marché d&#x27;insertion pour l&#x27;entretien" in page
    assert "Département du Pas-de-Calais" in page
    assert 'href="/departements/62/"' in page
    assert "Hauts-de-France" in page
    assert "depuis 2018" in page
    assert "Publiée le 1<sup>er</sup> juin 2021" in page


def test_key_figures_are_shown_as_figures(client, content):
    page = body(client.get(PAS_DE_CALAIS))
    assert (
        '<span class="figure-number">913&nbsp;<span class="key-figure__unit">personnes</span>'
        in page
    )
    assert '<span class="key-figure__label">salariés en insertion</span>' in page
    assert "sept. 2018 – déc. 2020" in page


def test_large_figures_use_a_thin_space_between_thousands(client, db):
    practice = make_practice(figures=[("euros d'achats", 70000)])
    assert "70\u202f000" in body(client.get(practice.get_absolute_url()))


def test_levers_and_legal_bases_are_linked_with_their_dates(client, content):
    page = body(client.get("/pratiques/meurthe-et-moselle-spaser-2021-2026/"))
    assert 'href="/leviers/spaser/"' in page
    assert 'href="/leviers/clauses-sociales/"' in page
    assert "legifrance.gouv.fr" in page
    assert "jusqu'au 31 décembre 2022" in page
    assert "En vigueur depuis le 1<sup>er</sup> janvier 2023" in page


def test_sectors_partners_recognitions_source_and_contact(client, db):
    fiche = make_fiche(title="Commande publique responsable", number=12)
    sector = make_sector(name="Textile")
    partner = Partner.objects.create(
        name="CRESS Test", slug="cress-test", url="https://cress.example"
    )
    practice = make_practice(
        sectors=[sector],
        partners=[partner],
        source_fiche=fiche,
        contact_name="Direction des achats",
        contact_email="achats@example.org",
    )
    Recognition.objects.create(practice=practice, title="Prix test", awarded_by="Jury", year=2020)
    page = body(client.get(practice.get_absolute_url()))
    assert f'href="/pratiques/?secteur={sector.slug}"' in page
    assert 'href="https://cress.example"' in page
    assert "Prix test" in page and "Jury, 2020" in page
    assert f'href="{fiche.get_absolute_url()}"' in page
    assert "fiche n°12" in page
    # The référent is reached through the portal's form, never at a shown address.
    assert "achats@example.org" not in page
    assert f'href="{practice.get_absolute_url()}contacter/"' in page


def test_body_markdown_is_rendered_and_sanitized(client, db):
    practice = make_practice(body="## Résultats\n\n**fort**<script>alert(1)</script>")
    page = body(client.get(practice.get_absolute_url()))
    assert "<h2>Résultats</h2>" in page
    assert "<strong>fort</strong>" in page
    assert "<script>alert" not in page


def test_unknown_practice_is_a_french_404(client, db):
    response = client.get("/pratiques/nexiste-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in body(response)


def test_detail_page_query_count_does_not_grow_with_practices(
    client, page_cache, django_assert_max_num_queries
):
    # The budget of 9 includes the page cache's own lookup (a cache miss here) and the
    # practice's distinctions; documents add one (tests/test_documents.py).
    levers = [make_lever() for _ in range(3)]
    for lever in levers:
        for n in range(2):
            LegalBasis.objects.create(lever=lever, code=f"L{n}", title="Article")
    partners = [
        Partner.objects.create(name=f"Partenaire {n}", slug=f"partenaire-{n}") for n in range(3)
    ]
    practice = make_practice(
        levers=levers,
        sectors=[make_sector(), make_sector()],
        partners=partners,
        figures=[("a", 1), ("b", 2), ("c", 3)],
    )
    for n in range(3):
        Recognition.objects.create(practice=practice, title=f"Prix {n}", year=2020 + n)
    for _ in range(30):
        make_practice(levers=levers[:1], sectors=[make_sector()], partners=partners[:1])
    url = practice.get_absolute_url()
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert len(response.context["related"]) == 6
    page = body(response)
    assert page.count('class="legal-bases') == 3
    assert all(partner.name in page for partner in partners)


def test_a_practice_without_documents_or_distinctions_takes_eight_queries(
    client, page_cache, django_assert_num_queries
):
    # Most practices: their documents and distinctions are not looked for again.
    lever = make_lever()
    practice = make_practice(levers=[lever], sectors=[make_sector()], figures=[("a", 1)])
    make_practice(levers=[lever])
    with django_assert_num_queries(8):
        response = client.get(practice.get_absolute_url())
    assert len(response.context["related"]) == 1
    assert response.context["shown"].recognitions == []
    assert list(response.context["practice"].documents.all()) == []


def test_sectors_and_partners_keep_their_order(client, db):
    second = make_sector(name="Bâtiment")
    first = make_sector(name="Textile")
    first.position, second.position = 1, 2
    first.save()
    second.save()
    zebra = Partner.objects.create(name="Zèbre", slug="zebre", url="https://zebre.example")
    alpha = Partner.objects.create(name="Alpha", slug="alpha", description="Réseau")
    practice = make_practice(sectors=[second, first], partners=[zebra, alpha])
    response = client.get(practice.get_absolute_url())
    page = body(response)
    assert page.index("Textile</a>") < page.index("Bâtiment</a>")
    assert page.index("Alpha") < page.index("Zèbre")
    assert "Réseau" in page and 'href="https://zebre.example"' in page


# Staff preview of unpublished practices -------------------------------------


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editrice", password="motdepasse-long-123")
    user.user_permissions.add(Permission.objects.get(codename="view_practice"))
    return user


UNPUBLISHED = {
    "draft": {"status": Practice.Status.DRAFT, "published_at": None},
    "review": {"status": Practice.Status.REVIEW, "published_at": None},
    "proposed": {"status": Practice.Status.PROPOSED, "published_at": None},
    "archived": {"status": Practice.Status.ARCHIVED},
    "scheduled": {"published_at": timezone.now() + timezone.timedelta(days=7)},
}


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_staff_preview_unpublished_practice_with_banner_and_noindex(client, editor, state):
    practice = make_practice(**UNPUBLISHED[state])
    client.force_login(editor)
    response = client.get(practice.get_absolute_url())
    assert response.status_code == 200
    page = body(response)
    assert BANNERS[state] in page
    assert '<meta name="robots" content="noindex">' in page


# The banner says the real status, not « Brouillon » whatever the practice.
BANNERS = {
    "draft": "Brouillon — non publiée.",
    "review": "En relecture — non publiée.",
    "proposed": "Proposée (contribution à examiner) — non publiée.",
    "archived": "Archivée (dépubliée) — non publiée.",
    "scheduled": "Publication programmée le ",
}


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_visitors_get_a_404_for_unpublished_practices(client, db, state):
    practice = make_practice(**UNPUBLISHED[state])
    response = client.get(practice.get_absolute_url())
    assert response.status_code == 404
    assert "Page introuvable" in body(response)


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_an_unpublished_slug_costs_what_an_unknown_one_does(client, db, state):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    practice = make_practice(figures=[("emplois", 3)], **UNPUBLISHED[state])
    with CaptureQueriesContext(connection) as unknown:
        assert client.get("/pratiques/slug-inconnu/").status_code == 404
    with CaptureQueriesContext(connection) as unpublished:
        assert client.get(practice.get_absolute_url()).status_code == 404
    # The same single lookup, the visibility check inside it; no relation loaded.
    assert len(unpublished) == len(unknown) == 1
    assert "keyfigure" not in unpublished[0]["sql"].lower()


def test_logged_in_user_without_permission_gets_a_404(client, db):
    practice = make_practice(status=Practice.Status.DRAFT, published_at=None)
    client.force_login(User.objects.create_user("curieux", password="motdepasse-long-123"))
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_deleted_practice_is_a_404_even_for_staff(client, editor):
    practice = make_practice(deleted_at=timezone.now())
    client.force_login(editor)
    assert client.get(practice.get_absolute_url()).status_code == 404
    superuser = User.objects.create_superuser("admin", password="motdepasse-long-123")
    client.force_login(superuser)
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_published_practice_has_no_banner_and_is_indexable(client, editor):
    practice = make_practice()
    client.force_login(editor)
    page = body(client.get(practice.get_absolute_url()))
    assert "non publié" not in page
    assert "noindex" not in page


def test_practice_url_is_its_public_address(db):
    practice = make_practice(slug="une-pratique")
    assert practice.get_absolute_url() == reverse("practices:detail", args=["une-pratique"])
    assert practice.get_absolute_url() == "/pratiques/une-pratique/"
