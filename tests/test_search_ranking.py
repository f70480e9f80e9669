"""Search results by relevance: ranks and ties, a search's facet counts, the list's pages."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from practices.facets import FacetedResults
from practices.filters import PracticeFilter
from practices.models import Practice
from tests.factories import make_lever, make_practice, make_sector


@pytest.mark.postgres
def test_title_matches_rank_above_body_matches(db):
    in_body = make_practice(
        slug="in-body",
        body="Le lombricompostage des déchets de cantine.",
        published_at=timezone.now(),
    )
    in_title = make_practice(
        slug="in-title",
        title="Lombricompostage",
        published_at=timezone.now() - timezone.timedelta(days=30),
    )
    query = "lombricompostage"
    found = Practice.objects.search(query).order_by_relevance(query)
    assert list(found) == [in_title, in_body]


@pytest.mark.postgres
def test_equal_ranks_list_the_most_recent_first(db):
    older = make_practice(
        slug="older",
        summary="Clauses sociales.",
        published_at=timezone.now() - timezone.timedelta(days=9),
    )
    newer = make_practice(slug="newer", summary="Clauses sociales.", published_at=timezone.now())
    assert list(Practice.objects.search("clauses").order_by_relevance("clauses")) == [newer, older]


@pytest.mark.postgres
def test_list_sorted_by_relevance_puts_title_matches_first(db):
    in_body = make_practice(
        slug="in-body", body="Du lombricompostage.", published_at=timezone.now()
    )
    in_title = make_practice(
        slug="in-title",
        title="Lombricompostage",
        published_at=timezone.now() - timezone.timedelta(days=30),
    )
    found = PracticeFilter(
        {"q": "Lombricompostage", "tri": "pertinence"}, queryset=Practice.objects.published()
    ).qs
    assert list(found) == [in_title, in_body]


def _search_counts(**data):
    filterset = PracticeFilter(QueryDict(urlencode(data)), queryset=Practice.objects.published())
    faceted = FacetedResults(filterset)
    return faceted.counts, faceted.total


def test_a_search_counts_levers_and_sectors_as_the_practices_relations_say(db):
    # A search's facets group its matches on the ids kept with their search texts.
    first, second = make_lever(), make_lever()
    sector = make_sector()
    one = make_practice(levers=[first], sectors=[sector], title="Lombricompostage un")
    make_practice(levers=[first, second], title="Lombricompostage deux")
    make_practice(levers=[second], sectors=[sector], title="Autre chose")
    counts, total = _search_counts(q="lombricompostage")
    assert (counts["levier"], counts["secteur"], total) == (
        {first.slug: 2, second.slug: 1},
        {sector.slug: 1},
        2,
    )
    # What the admin and the proposal service do after saving the relations.
    one.levers.set([second])
    one.sectors.set([])
    one.refresh_search_text()
    counts, total = _search_counts(q="lombricompostage")
    assert (counts["levier"], counts["secteur"]) == ({first.slug: 1, second.slug: 2}, {})
    # A facet in use counts without its own filter, with the others.
    counts, total = _search_counts(q="lombricompostage", levier=first.slug)
    assert (counts["levier"], total) == ({first.slug: 1, second.slug: 2}, 1)
    counts, total = _search_counts(q="lombricompostage", secteur=sector.slug)
    assert (counts["levier"], total) == ({}, 0)


def _ranked_practices(n):
    """n practices matching « lombricompostage » with every kind of rank, and ties."""
    now = timezone.now()
    where = ["title", "summary", "body"]
    for i in range(n):
        field = where[i % 3]
        make_practice(
            slug=f"rang-{i}",
            published_at=now - timezone.timedelta(days=i % 4),
            **{field: f"Lombricompostage {'et lombricompostage ' * (i % 2)}n° {i}"},
        )


@pytest.mark.postgres
@pytest.mark.parametrize("page", ["1", "2", "3", "4", "0", "-1", "x", "99999999999999999999999"])
def test_list_pages_by_relevance_follow_order_by_relevance(client, db, page):
    # The list page ranks its page inside the facet query; it must give the same
    # practices, in the same order, as the queryset's own ranking, on every page.
    _ranked_practices(30)
    query = "lombricompostage"
    response = client.get("/pratiques/", {"q": query, "page": page})
    assert response.status_code == 200
    shown = [practice.slug for practice in response.context["practices"]]
    ranked = [p.slug for p in Practice.objects.published().search(query).order_by_relevance(query)]
    number = response.context["page_obj"].number
    assert shown == ranked[(number - 1) * 12 : number * 12]
    assert len(shown) == (6 if number == 3 else 12)


@pytest.mark.postgres
def test_list_page_by_relevance_takes_no_ranking_query_of_its_own(client, db):
    _ranked_practices(15)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/pratiques/", {"q": "lombricompostage", "page": "2"})
    assert len(response.context["practices"]) == 3
    sqls = [q["sql"] for q in queries.captured_queries]
    ranking = [sql for sql in sqls if "ts_rank" in sql]
    # Ranked once, with the facets; the page is then read by primary key, unranked.
    assert len(ranking) == 1
    assert "ROW_NUMBER()" in ranking[0]
    page = [sql for sql in sqls if '"practices_practice"."id" IN (' in sql and "LIMIT" not in sql]
    assert len(page) == 1
    assert "@@" not in page[0]


@pytest.mark.postgres
def test_faceted_results_give_the_ranked_page_whatever_is_read_first(db):
    _ranked_practices(15)
    query = "lombricompostage"
    ranked = [p.slug for p in Practice.objects.published().search(query).order_by_relevance(query)]

    def faceted():
        filterset = PracticeFilter({"q": query}, queryset=Practice.objects.published())
        return filterset, FacetedResults(filterset, page="2", per_page=12)

    # The page first, before the total or the facets (a pager that needed the facets
    # computed first used to show an empty page).
    filterset, results = faceted()
    assert [p.slug for p in results.results(filterset.qs)[12:15]] == ranked[12:15]
    assert results.total == 15
    filterset, results = faceted()
    assert results.total == 15
    assert [p.slug for p in results.results(filterset.qs)[12:15]] == ranked[12:15]
