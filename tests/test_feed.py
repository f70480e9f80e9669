"""/pratiques/flux/: Atom feed of newly published practices, with the list's filters."""

import xml.etree.ElementTree as ET

import pytest
from django.http import QueryDict
from django.utils import timezone

from practices.feeds import FEED_SIZE
from practices.filters import PracticeFilter
from practices.models import Practice

from .conftest import BAD_FILTER_QUERIES, FILTER_QUERIES
from .factories import make_lever, make_practice

URL = "/pratiques/flux/"
ATOM = {"atom": "http://www.w3.org/2005/Atom"}
ILLE_ET_VILAINE = "ille-et-vilaine-territoire-commerce-equitable"


def feed(client, query=""):
    response = client.get(f"{URL}?{query}" if query else URL)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test


def entry_links(root):
    return [entry.find("atom:link", ATOM).get("href") for entry in root.findall("atom:entry", ATOM)]


def entry_slugs(root):
    return [link.rstrip("/").rsplit("/", 1)[-1] for link in entry_links(root)]


def list_filter_slugs(query):
    """The list page's practices for these parameters, newest first."""
    filterset = PracticeFilter(QueryDict(query) or None, queryset=Practice.objects.published())
    return list(filterset.qs.order_by("-published_at", "-pk").values_list("slug", flat=True))


@pytest.mark.parametrize("query", FILTER_QUERIES)
def test_feed_lists_the_same_practices_as_the_list_filter(client, content, query):
    assert entry_slugs(feed(client, query)) == list_filter_slugs(query)


@pytest.mark.parametrize("query", ["", "levier=clauses-sociales", "region=53", "q=insertion"])
def test_feed_follows_what_the_html_list_page_shows(client, content, query):
    page = client.get(f"/pratiques/?{query}")

    listed = {p.slug for p in page.context["practices"]}
    assert set(entry_slugs(feed(client, query))) == listed


def test_lever_feed_follows_only_that_lever(client, content):
    root = feed(client, "levier=commerce-equitable")

    assert entry_slugs(root) == [ILLE_ET_VILAINE]
    title = root.find("atom:title", ATOM).text
    assert title == "Nouvelles pratiques – Commerce équitable – Commande publique responsable"
    alternate = root.find("atom:link[@rel='alternate']", ATOM).get("href")
    assert alternate == "http://testserver/pratiques/?levier=commerce-equitable"
    self_link = root.find("atom:link[@rel='self']", ATOM).get("href")
    assert self_link == "http://testserver/pratiques/flux/?levier=commerce-equitable"


def test_entries_carry_title_summary_dates_and_levers(client, content):
    root = feed(client, "levier=commerce-equitable")
    entry = root.find("atom:entry", ATOM)
    practice = Practice.objects.get(slug=ILLE_ET_VILAINE)

    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert entry.find("atom:title", ATOM).text == practice.title
    assert entry.find("atom:summary", ATOM).text == practice.summary
    assert entry.find("atom:link", ATOM).get("href") == (
        f"http://testserver/pratiques/{ILLE_ET_VILAINE}/"
    )
    assert entry.find("atom:published", ATOM).text.startswith(
        practice.published_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d")
    )
    assert entry.find("atom:author/atom:name", ATOM).text == practice.authority_name
    terms = {c.get("term") for c in entry.findall("atom:category", ATOM)}
    assert "Commerce équitable" in terms


def test_newest_first_and_limited(client, db):
    lever = make_lever(slug="beaucoup")
    practices = [make_practice(levers=[lever]) for _ in range(FEED_SIZE + 3)]
    newest = sorted(practices, key=lambda p: p.published_at, reverse=True)

    slugs = entry_slugs(feed(client, "levier=beaucoup"))

    assert slugs == [p.slug for p in newest[:FEED_SIZE]]


def test_unpublished_practices_never_appear(client, db):
    lever = make_lever(slug="cache")
    now = timezone.now()
    visible = make_practice(levers=[lever], slug="visible")
    for slug, fields in {
        "brouillon": {"status": Practice.Status.DRAFT},
        "proposee": {"status": Practice.Status.PROPOSED},
        "archivee": {"status": Practice.Status.ARCHIVED},
        "programmee": {"published_at": now + timezone.timedelta(days=1)},
        "supprimee": {"deleted_at": now},
    }.items():
        make_practice(levers=[lever], slug=slug, **fields)

    assert entry_slugs(feed(client)) == [visible.slug]
    assert entry_slugs(feed(client, "levier=cache")) == [visible.slug]


@pytest.mark.parametrize(("query", "field", "message"), BAD_FILTER_QUERIES)
def test_bad_parameters_get_a_400_with_a_french_message(client, db, query, field, message):
    response = client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert (message or "") in response.content.decode()


def test_feed_is_read_only(client, db):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_feed_runs_a_constant_number_of_queries(client, db, django_assert_max_num_queries):
    lever = make_lever(slug="requetes")
    for _ in range(20):
        make_practice(levers=[lever, make_lever()])

    client.get("/api/")  # one-off set-up (the page cache's content version row)
    # Content version, lever check by the filter form, the entries, then their levers.
    with django_assert_max_num_queries(4):
        root = feed(client, "levier=requetes")
    assert len(entry_links(root)) == 20


def test_summaries_are_plain_text_that_readers_show_as_typed(client, db):
    summary = "<svg onload=alert(1)> Achats & clauses « sociales »"
    make_practice(levers=[make_lever()], summary=summary)

    root = feed(client)
    raw = client.get(URL).content.decode()
    element = root.find("atom:entry/atom:summary", ATOM)

    assert element.get("type") == "text"
    assert element.text == summary
    assert "<svg" not in raw
    assert 'type="html"' not in raw


def test_control_characters_in_editors_texts_do_not_break_the_feed(client, db):
    # Pasted from a word processor through the admin: a vertical tab (manual line break)
    # and a form feed, which XML 1.0 cannot carry; the feed must still be served.
    lever = make_lever(name="Clauses\x0bsociales", slug="controle")
    make_practice(
        levers=[lever],
        title="Titre\x0bsur deux lignes",
        summary="Résumé\x0cavec saut de page",
        authority_name="Ville\x01de Rennes",
    )

    root = feed(client, "levier=controle")

    entry = root.find("atom:entry", ATOM)
    assert entry.find("atom:title", ATOM).text == "Titre sur deux lignes"
    assert entry.find("atom:summary", ATOM).text == "Résumé avec saut de page"
    assert entry.find("atom:author/atom:name", ATOM).text == "Ville de Rennes"
    assert entry.find("atom:category", ATOM).get("term") == "Clauses sociales"
    assert "Clauses sociales" in root.find("atom:title", ATOM).text
