"""The pages a French public site must have: legal texts, site map, footer everywhere."""

import re
from datetime import datetime
from html import unescape

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from practices.legal import LegalText
from procurement_portal import errors
from tests.conftest import as_read, database_down

from .factories import make_practice

LEGAL_PAGES = {
    "/accessibilite/": "Déclaration d'accessibilité",
    "/mentions-legales/": "Mentions légales",
    "/donnees-personnelles/": "Données personnelles",
}
FOOTER_LINKS = [
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/plan-du-site/",
    "/contact/",
]


def text(response):
    return as_read(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def footer(html):
    match = re.search(r'<footer class="site-footer">(.*?)</footer>', as_read(html), re.S)
    assert match, "no footer"
    return match.group(1)


def assert_footer_links_the_five_pages(html):
    part = footer(html)
    for url in FOOTER_LINKS:
        assert f'href="{url}"' in part, url
    assert re.search(r'href="/accessibilite/">Accessibilité : non conforme</a>', part)


# Legal pages ---------------------------------------------------------------------


@pytest.mark.parametrize(("url", "title"), LEGAL_PAGES.items())
def test_legal_pages_are_seeded_and_public(client, db, url, title, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(url)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in unescape(response.content.decode())


def test_accessibility_statement_is_honest_and_names_the_recourse(client, db):
    body = text(client.get("/accessibilite/"))
    assert "RGAA" in body and "4.1" in body
    assert "non conforme" in body
    assert "Aucun audit complet du RGAA n'a encore été réalisé" in body
    assert "axe-core" in body and "Nu" in body and "Lighthouse" in body
    assert "Défenseur des droits" in body and "Libre réponse 71120" in body
    assert 'href="/contact/"' in client.get("/accessibilite/").content.decode()


def test_legal_notices_say_what_the_deployer_must_fill(client, db, settings):
    settings.PORTAL_HOST_NAME = ""
    body = text(client.get("/mentions-legales/"))
    assert "[à renseigner : PORTAL_HOST_NAME]" in body
    assert "Licence Ouverte" in body and "IGN" in body

    settings.PORTAL_HOST_NAME = "Hébergeur <SAS> & fils"
    settings.PORTAL_HOST_PHONE = "01 02 03 04 05"
    html = client.get("/mentions-legales/").content.decode()
    assert "Hébergeur &lt;SAS&gt; &amp; fils" in html
    assert "01 02 03 04 05" in html


def test_personal_data_page_gives_the_real_retention_periods(client, db, settings):
    settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS = 18
    settings.PORTAL_CONTACT_RETENTION_MONTHS = 9
    settings.PORTAL_PRIVACY_EMAIL = "dpo@example.org"
    body = text(client.get("/donnees-personnelles/"))
    for heading in ["Propositions", "Alertes", "Messages de contact", "Comptes", "Journaux"]:
        assert heading in body
    assert "18 mois" in body and "9 mois" in body
    assert "7 jours" in body
    assert "dpo@example.org" in body
    assert "CNIL" in body
    assert "aucun cookie de suivi" in body


def test_forms_notices_link_the_personal_data_page(client, db):
    for url in ["/proposer/", "/contact/"]:
        assert 'href="/donnees-personnelles/"' in client.get(url).content.decode(), url


def test_an_editors_markdown_is_sanitized(client, db):
    LegalText.objects.filter(page="mentions-legales").update(
        body="# Titre\n\n<script>alert(1)</script>[x](javascript:alert(1)) {{ inconnu }}"
    )
    html = client.get("/mentions-legales/").content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "<h2>Titre</h2>" in html
    assert "{{ inconnu }}" in html


def test_only_responsables_editoriaux_may_change_legal_texts(db):
    publishers = Group.objects.get(name="Responsables éditoriaux")
    editors = Group.objects.get(name="Éditeurs")
    change = Permission.objects.get(codename="change_legaltext")
    assert change in publishers.permissions.all()
    assert change not in editors.permissions.all()
    assert not Permission.objects.filter(
        codename__in=["add_legaltext", "delete_legaltext"], group__isnull=False
    ).exists()


def test_legal_texts_keep_their_history(db):
    text_ = LegalText.objects.get(page="accessibilite")
    text_.body += "\n\nAudit prévu en 2027."
    text_.save()
    assert text_.history.count() == 1  # seeded by migration, without history; then one change
    assert "Audit prévu" in text_.history.first().body


def test_an_editor_edits_a_legal_text_in_the_admin(client, db, django_user_model):
    user = django_user_model.objects.create_user("resp", password="x" * 16, is_staff=True)
    user.groups.add(Group.objects.get(name="Responsables éditoriaux"))
    client.force_login(user)
    text_ = LegalText.objects.get(page="mentions-legales")
    url = reverse("admin:practices_legaltext_change", args=[text_.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "{{ hebergeur }}" in page.content.decode()
    response = client.post(
        url, {"title": "Mentions légales", "summary": "Résumé.", "body": "Nouveau"}
    )
    assert response.status_code == 302
    assert client.get("/mentions-legales/").content.decode().count("Nouveau") == 1
    assert client.get(reverse("admin:practices_legaltext_add")).status_code == 403


# Site map ------------------------------------------------------------------------


def test_site_map_lists_sections_levers_fiches_regions_and_departments(
    client, content, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        response = client.get("/plan-du-site/")
    html = response.content.decode()
    assert response.status_code == 200
    for url in ["/pratiques/", "/leviers/", "/departements/", "/fiches/", "/donnees/", "/contact/"]:
        assert f'href="{url}"' in html
    assert 'href="/leviers/spaser/"' in html
    assert 'href="/fiches/' in html and "Fiche n°12" in html
    assert 'href="/pratiques/?region=32"' in html
    assert 'href="/departements/2A/"' in html and 'href="/departements/976/"' in html
    assert len(re.findall(r'href="/departements/[0-9AB]{2,3}/"', html)) == 101


# The footer on every page ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/", "/pratiques/", "/leviers/", "/departements/", "/fiches/", "/donnees/", "/proposer/",
     "/plan-du-site/", "/contact/", "/accessibilite/", "/page-inexistante/"],
)  # fmt: skip
def test_every_page_links_the_five_pages_in_its_footer(client, content, url):
    assert_footer_links_the_five_pages(client.get(url).content.decode())


def test_practice_page_footer(client, db):
    practice = make_practice()
    assert_footer_links_the_five_pages(client.get(practice.get_absolute_url()).content.decode())


def test_404_500_400_and_429_pages_have_the_footer(client, db, settings):
    assert_footer_links_the_five_pages(client.get("/nulle-part/").content.decode())
    assert_footer_links_the_five_pages(
        errors.server_error(RequestFactory().get("/")).content.decode()
    )
    bad = client.get("/", HTTP_HOST="intrus.example")
    assert bad.status_code == 400
    assert_footer_links_the_five_pages(bad.content.decode())
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    data = {"name": "A", "email": "a@example.org", "subject": "S", "message": "M"}
    client.post("/contact/", data)
    too_many = client.post("/contact/", data)
    assert too_many.status_code == 429
    assert_footer_links_the_five_pages(too_many.content.decode())


def test_the_503_page_of_a_database_outage_has_the_footer(client, db):
    # Rendered without the database, like the 500 page: the footer needs none.
    with database_down():
        response = client.get("/pratiques/")
    assert response.status_code == 503
    assert_footer_links_the_five_pages(response.content.decode())


def test_footer_states_the_configured_accessibility_status(client, db, settings):
    settings.PORTAL_ACCESSIBILITY_STATUS = "partiellement conforme"
    html = as_read(client.get("/nulle-part/").content.decode())
    assert "Accessibilité : partiellement conforme" in html
    assert "Accessibilité : partiellement conforme" in (
        errors.server_error(RequestFactory().get("/")).content.decode()
    )


def test_a_changed_legal_text_shows_at_once_through_the_page_cache(client, page_cache, committed):
    assert "Texte revu" not in client.get("/mentions-legales/").content.decode()
    with committed():
        LegalText.objects.filter(page="mentions-legales").update(body="Texte revu")
    assert "Texte revu" in client.get("/mentions-legales/").content.decode()
    text_ = LegalText.objects.get(page="mentions-legales")
    text_.body = "Texte revu deux fois"
    with committed():
        text_.save()
    assert "Texte revu deux fois" in client.get("/mentions-legales/").content.decode()


class FirstOfMarch(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 3, 1, 9, 30, tzinfo=tz)


def test_the_open_data_page_dates_its_citation_example_in_french(client, db, monkeypatch):
    monkeypatch.setattr("django.template.defaulttags.datetime", FirstOfMarch)

    page = client.get("/donnees/").content.decode().replace("\u00a0", " ")

    assert "données extraites le 1<sup>er</sup> mars 2026 »" in page
