"""Titles, descriptions, canonical links, headings, sitemap.xml, robots.txt, error pages."""

import json
import re
from html.parser import HTMLParser
from itertools import pairwise

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views.defaults import permission_denied, server_error

from practices.models import Practice
from procurement_portal import errors

from .factories import make_practice

PAGES = [
    "/",
    "/pratiques/",
    "/pratiques/?levier=commerce-equitable&q=cafe",
    "/pratiques/pas-de-calais-marche-insertion-colleges/",
    "/leviers/",
    "/leviers/spaser/",
    "/departements/",
    "/departements/976/",
    "/departements/2A/",
    "/fiches/",
    "/fiches/kit-departementaless-12-commande-publique-responsable/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/plan-du-site/",
    "/contact/",
    "/carte/",
    "/carte/?levier=commerce-equitable",
    "/statistiques/",
    "/statistiques/?region=32",
]


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title = ""
        self.meta = {}
        self.links = {}
        self.headings = []
        self.lang = None
        self.first_link = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "title" and not self.title:
            # The document's title only: SVG shapes have <title>s of their own.
            self._in_title = True
        elif tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content", "")
        elif tag == "link" and "rel" in attrs:
            self.links.setdefault(attrs["rel"], attrs.get("href"))
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        elif tag == "a" and self.first_link is None:
            self.first_link = attrs

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_title_description_canonical_lang_and_skip_link(client, content, url):
    response = client.get(url)
    assert response.status_code == 200
    page = parse(response)
    assert page.lang == "fr"
    assert page.title.strip().endswith("– Commande publique responsable")
    assert len(page.title.strip()) > len("– Commande publique responsable") + 3
    assert len(page.meta["description"].strip()) > 30
    assert page.links["canonical"].startswith("http://testserver/")
    assert page.links["canonical"].split("?")[0] == "http://testserver" + url.split("?")[0]
    assert page.first_link == {"class": "skip-link", "href": "#contenu"}
    assert 'id="contenu"' in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_headings_start_with_one_h1_and_never_skip_a_level(client, content, url):
    headings = parse(client.get(url)).headings
    assert headings[0] == 1
    assert headings.count(1) == 1
    for previous, current in pairwise(headings):
        assert current <= previous + 1, headings


def test_titles_differ_from_page_to_page(client, content):
    titles = [parse(client.get(url)).title for url in PAGES if "?" not in url]
    assert len(set(titles)) == len(titles)


def test_canonical_uses_the_request_host_and_scheme(client, content, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    response = client.get("/leviers/", HTTP_HOST="localhost", secure=True)
    assert parse(response).links["canonical"] == "https://localhost/leviers/"


def test_site_url_names_the_pages_whatever_host_the_request_came_through(client, content, settings):
    # Behind a load balancer the request may reach the app as « 10.0.0.5 »: the links
    # search engines and shared pages keep must be the public ones.
    settings.SITE_URL = "https://portail.example.org"
    settings.ALLOWED_HOSTS = ["10.0.0.5"]
    practice = Practice.objects.published().first()
    for url in ("/leviers/", "/carte/?levier=commerce-equitable", practice.get_absolute_url()):
        response = client.get(url, HTTP_HOST="10.0.0.5")
        page = parse(response)
        assert page.links["canonical"].startswith("https://portail.example.org/"), url
        assert "10.0.0.5" not in response.content.decode(), url
    robots = client.get("/robots.txt", HTTP_HOST="10.0.0.5").content.decode()
    assert "Sitemap: https://portail.example.org/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml", HTTP_HOST="10.0.0.5").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert f"https://portail.example.org{practice.get_absolute_url()}" in locations
    assert all(loc.startswith("https://portail.example.org/") for loc in locations)


def test_the_sitemap_answers_get_and_head_only(client, content):
    assert client.head("/sitemap.xml").status_code == 200
    assert client.post("/sitemap.xml").status_code == 405


def test_without_site_url_the_sitemap_names_the_request_host(client, content, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    sitemap = client.get("/sitemap.xml", HTTP_HOST="localhost", secure=True).content.decode()
    assert "<loc>https://localhost/leviers/</loc>" in sitemap


def test_french_404_page(client, db):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    page = parse(response)
    assert page.lang == "fr"
    assert "Page introuvable" in page.title
    assert page.meta["robots"] == "noindex"
    assert 'action="/pratiques/"' in response.content.decode()


def test_french_500_page(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Une erreur est survenue" in html
    assert "<title>Erreur du serveur" in html


TOO_MANY_FIELDS = "&".join(f"f{n}=1" for n in range(1100))


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/", {"HTTP_HOST": "intrus.example"}),
        (f"/pratiques/?{TOO_MANY_FIELDS}", {}),
    ],
)
def test_requests_django_cannot_read_get_the_french_400_page(client, db, url, headers):
    response = client.get(url, **headers)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "<h1>Requête invalide</h1>" in html
    assert "<title>Requête invalide" in html


def test_the_api_answers_requests_it_cannot_read_in_json(client, db):
    response = client.get(f"/api/pratiques/?{TOO_MANY_FIELDS}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"].startswith("Requête invalide")


def test_the_api_answers_its_server_errors_in_json(db):
    response = errors.server_error(RequestFactory().get("/api/pratiques/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "Erreur du serveur" in json.loads(response.content)["message"]


def test_french_403_page(db):
    request = RequestFactory().get("/")
    request.resolver_match = None
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "<h1>Accès refusé</h1>" in html


def test_sitemap_lists_public_pages_only(client, content):
    hidden = make_practice(slug="brouillon-cache", status=Practice.Status.DRAFT, published_at=None)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for url in PAGES:
        if "?" not in url:
            assert f"<loc>http://testserver{url}</loc>" in xml
    assert hidden.slug not in xml
    assert "<loc>http://testserver/proposer/</loc>" in xml
    assert "<loc>http://testserver/donnees/</loc>" in xml
    assert xml.count("/departements/") >= 102


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_practice_description_is_its_summary(client, content):
    page = parse(client.get("/pratiques/mayotte-achat-socialement-responsable/"))
    assert page.meta["description"].startswith("Le Département de Mayotte")
    assert len(page.meta["description"]) <= 160


def test_stylesheets_and_icons_come_from_the_portal_itself(client, content):
    html = client.get("/").content.decode()
    assert "http://" not in html.split("<body>")[0].replace("http://testserver", "")
    assert "https://" not in html.split("<body>")[0]
    assert "<script" not in html
    assert 'style="' not in html and "<style" not in html
