"""Search: French, accent- and case-insensitive on every database; full-text on PostgreSQL."""

import re
import unicodedata
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from hypothesis import given
from hypothesis import strategies as st

from levers.models import Lever
from practices.facets import FacetedResults
from practices.filters import PracticeFilter
from practices.models import Practice
from practices.search import highlight
from practices.text import STOP_WORDS, search_terms
from tests.factories import make_lever, make_practice, make_sector

HOSTILE_QUERIES = [
    "\x00",
    "clause\x00sociale",
    "x" * 5000,
    "clause " * 1000,
    "!!!",
    "&|!():*<->",
    "clause & !sociale | (café:*)",
    "'; DROP TABLE practices_practice; --",
    '"unterminated',
    "\\",
    "%_%",
    "🙂 ∑ 漢字",
    "é" * 300,
    "<script>alert(1)</script>",
]


def slugs(queryset):
    return {practice.slug for practice in queryset}


@pytest.fixture
def fair_trade(db):
    return make_practice(
        slug="cafe-equitable",
        title="Territoire de commerce équitable",
        summary="Le café des cantines est issu du commerce équitable.",
    )


@pytest.fixture
def social_clauses(db):
    return make_practice(
        slug="clauses",
        title="Un marché d'insertion",
        summary="Des clauses sociales dans presque tous les marchés.",
    )


@pytest.fixture
def green_clauses(db):
    return make_practice(
        slug="clauses-vertes",
        title="Des marchés verts",
        summary="Des clauses environnementales pour les travaux.",
    )


# Both databases ----------------------------------------------------------------


@pytest.mark.parametrize("query", ["equitable", "Équitable", "EQUITABLE", "équitables", "CAFÉ"])
def test_search_ignores_accents_and_case(fair_trade, social_clauses, query):
    assert slugs(Practice.objects.search(query)) == {"cafe-equitable"}


@pytest.mark.parametrize("query", ["clause sociale", "clauses sociales", "Clause Sociales"])
def test_search_matches_singular_and_plural(social_clauses, green_clauses, query):
    assert slugs(Practice.objects.search(query)) == {"clauses"}


def test_search_finds_the_plural_from_the_singular_and_back(db):
    make_practice(slug="singular", summary="Une clause sociale exemplaire.")
    assert slugs(Practice.objects.search("clauses sociales")) == {"singular"}


def test_search_requires_every_word(social_clauses, green_clauses):
    assert slugs(Practice.objects.search("clauses")) == {"clauses", "clauses-vertes"}
    assert slugs(Practice.objects.search("clauses environnementales")) == {"clauses-vertes"}
    assert slugs(Practice.objects.search("clauses équitables")) == set()


def test_search_matches_the_beginning_of_the_last_word(fair_trade, social_clauses):
    assert slugs(Practice.objects.search("commerce équi")) == {"cafe-equitable"}


def test_search_without_match_finds_nothing(fair_trade, social_clauses):
    assert not Practice.objects.search("lombricompostage").exists()


@pytest.mark.parametrize("query", ["", "   ", None, "!!!", "« »", "de la"])
def test_search_without_any_word_keeps_every_practice(fair_trade, social_clauses, query):
    assert slugs(Practice.objects.search(query)) == {"cafe-equitable", "clauses"}


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_queries_never_raise(fair_trade, query):
    found = Practice.objects.published().search(query).order_by_relevance(query)
    # Evaluated (a query that PostgreSQL refused would raise here), within what exists.
    assert set(found) <= {fair_trade}
    assert isinstance(highlight(fair_trade.summary, query), SafeString)


def test_search_covers_levers_sectors_and_key_figures(db):
    lever = make_lever(name="Marchés réservés", slug="marches-reserves-test")
    make_practice(slug="reserved", levers=[lever], figures=[("Salariés en insertion", 913)])
    make_practice(slug="other")
    assert slugs(Practice.objects.search("marché réservé")) == {"reserved"}
    assert slugs(Practice.objects.search("salaries insertion")) == {"reserved"}


def test_search_is_the_synonyms_and_one_query(
    fair_trade, social_clauses, django_assert_num_queries
):
    from practices.search import load_synonyms, order_by_relevance, search_practices

    # As PracticeFilter searches and ranks: the synonyms read once, then one query.
    with django_assert_num_queries(2):
        synonyms = load_synonyms()
        found = search_practices(Practice.objects.published(), "équitable", synonyms)
        found = order_by_relevance(found, "équitable", synonyms, searched=True)
        assert list(found) == [fair_trade]


def test_search_works_inside_a_subquery(fair_trade, social_clauses):
    lever = make_lever(slug="commerce-equitable-test")
    fair_trade.levers.add(lever)
    levers = Lever.objects.filter(practices__in=Practice.objects.search("café")).distinct()
    assert list(levers) == [lever]


def test_relevance_without_words_lists_the_most_recent_first(fair_trade, social_clauses):
    # make_practice publishes each new practice one day earlier than the previous one.
    assert list(Practice.objects.order_by_relevance("")) == [fair_trade, social_clauses]


def test_search_follows_a_title_change(social_clauses):
    assert not Practice.objects.search("lombricompostage").exists()
    social_clauses.title = "Le lombricompostage des cantines"
    social_clauses.save()
    assert slugs(Practice.objects.search("lombricompostage")) == {"clauses"}


def test_search_ignores_deleted_text_after_a_change(fair_trade):
    fair_trade.title = "Autre titre"
    fair_trade.summary = "Plus rien à voir."
    fair_trade.save()
    assert not Practice.objects.search("équitable").exists()


# On the reference content (load_content) -------------------------------------------


def departments(queryset):
    return {practice.department_id for practice in queryset}


def test_cafe_finds_ille_et_vilaine(content):
    assert departments(Practice.objects.published().search("cafe")) == {"35"}


def test_commerce_equitable_finds_ille_et_vilaine(content):
    assert "35" in departments(Practice.objects.published().search("commerce équitable"))


def test_clause_sociale_finds_mayotte_and_meurthe_et_moselle(content):
    found = departments(Practice.objects.published().search("clause sociale"))
    assert {"976", "54"} <= found


# Highlighting ------------------------------------------------------------------


def test_highlight_marks_words_whatever_their_accents_and_case():
    assert highlight("Le commerce équitable", "EQUITABLE") == "Le commerce <mark>équitable</mark>"
    assert highlight("Le CAFÉ des cantines", "cafe") == "Le <mark>CAFÉ</mark> des cantines"


def test_highlight_tolerates_singular_and_plural():
    assert (
        highlight("Des clauses sociales et des acteurs sociaux.", "clause sociale")
        == "Des <mark>clauses</mark> <mark>sociales</mark> et des acteurs <mark>sociaux</mark>."
    )


def test_highlight_skips_stop_words_and_keeps_short_words_whole():
    assert highlight("la clause de la ville", "la clause") == "la <mark>clause</mark> de la ville"
    assert highlight("Le prix principal", "prix") == "Le <mark>prix</mark> principal"


def test_highlight_without_query_only_escapes():
    assert highlight("Tom & Jerry", "") == "Tom &amp; Jerry"
    assert highlight(None, "cafe") == ""
    assert isinstance(highlight("café", None), SafeString)


def test_highlight_escapes_html_in_the_text():
    html = highlight('<script>alert("café")</script> café', "cafe")
    assert "<script" not in html
    assert html == (
        "&lt;script&gt;alert(&quot;<mark>café</mark>&quot;)&lt;/script&gt; <mark>café</mark>"
    )


@pytest.mark.parametrize(
    "query",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</mark><b>", "mark"],
)
def test_highlight_never_outputs_the_query(query):
    html = highlight("<mark>script</mark> alert img onerror b", query)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert _without_marks(html).count("<") == 0


def test_highlight_filter_in_a_template_escapes_once():
    rendered = Template("{% load portal %}{{ text|highlight:q }}").render(
        Context({"text": "Café <b>équitable</b>", "q": "<i>cafe</i>"})
    )
    assert rendered == "<mark>Café</mark> &lt;b&gt;équitable&lt;/b&gt;"


def _without_marks(html):
    return re.sub(r"</?mark>", "", html)


@given(text=st.text(max_size=200), query=st.text(max_size=50))
def test_highlight_only_adds_mark_tags_to_the_escaped_text(text, query):
    html = highlight(text, query)
    assert html.count("<mark>") == html.count("</mark>")
    assert _without_marks(html) == escape(unicodedata.normalize("NFC", text))


# PostgreSQL only -----------------------------------------------------------------


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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


# Pronouns, determiners and forms of être/avoir (PostgreSQL ignores them all).
FRENCH_FUNCTION_WORDS = """
    nous vous eux elle il je tu on lui moi toi avec mais ne pas mon ma mes ton ta
    tes son ses notre nos votre vos est sont suis sommes avons avez ont sera seront
    avait avaient eut soit ayant aurait
""".split()  # noqa: SIM905 - a word list reads better as text


@pytest.mark.postgres
def test_words_postgresql_ignores_are_dropped_from_queries_on_every_database(db):
    words = [w for w in sorted(STOP_WORDS) if w not in ("a", "les")]
    lexemes = _rows("SELECT w, ts_lexize('french_stem', w) FROM unnest(%s::text[]) w", [words])
    assert {w for w, lexeme in lexemes if lexeme != []} == set()
    # ...and the reverse, for the words a visitor is likely to type.
    ignored = _rows(
        "SELECT w FROM unnest(%s::text[]) w WHERE ts_lexize('french_stem', w) = '{}'",
        [FRENCH_FUNCTION_WORDS],
    )
    assert {w for (w,) in ignored} == set(FRENCH_FUNCTION_WORDS) <= STOP_WORDS


def test_a_query_of_ignored_words_lists_every_practice_as_no_query_would(db):
    make_practice(summary="Nous avons des clauses sociales.")
    make_practice(summary="Un marché réservé.")
    everything = set(Practice.objects.published())
    assert set(Practice.objects.published().search("nous avons")) == everything
    assert search_terms("Nous avons eu des clauses") == ["clause"]


@pytest.mark.postgres
def test_search_vectors_are_kept_inside_the_rows(db):
    # Ranking reads every match's vector: out-of-line storage made it ~2× slower.
    storage = _rows(
        "SELECT attstorage FROM pg_attribute "
        "WHERE attrelid = 'practices_practice'::regclass AND attname = 'search_vector'"
    )
    assert storage == [("m",)]


@pytest.mark.postgres
def test_search_vector_is_a_stored_generated_column(db):
    rows = _rows(
        "SELECT data_type, is_generated, generation_expression FROM information_schema.columns "
        "WHERE table_name = 'practices_practice' AND column_name = 'search_vector'"
    )
    assert len(rows) == 1
    data_type, generated, expression = rows[0]
    assert (data_type, generated) == ("tsvector", "ALWAYS")
    assert "french_unaccent" in expression


@pytest.mark.postgres
def test_search_vector_has_a_gin_index(db):
    rows = _rows(
        "SELECT indexdef FROM pg_indexes WHERE tablename = 'practices_practice' "
        "AND indexname = 'practice_search_vector_idx'"
    )
    assert len(rows) == 1
    assert "USING gin (search_vector)" in rows[0][0]


@pytest.mark.postgres
def test_search_can_use_the_gin_index(fair_trade):
    # With a handful of rows a sequential scan is cheaper; forbid it to see the index is usable.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Practice.objects.search("commerce équitable").explain()
    assert "practice_search_vector_idx" in plan


@pytest.mark.postgres
def test_search_vector_follows_a_queryset_update(fair_trade):
    Practice.objects.filter(pk=fair_trade.pk).update(title="Lombricompostage")
    assert slugs(Practice.objects.search("lombricompostage")) == {"cafe-equitable"}


@pytest.mark.postgres
def test_search_vector_follows_a_lever_change(fair_trade):
    lever = make_lever(name="Lombricompostage solidaire", slug="lombricompostage")
    assert not Practice.objects.search("lombricompostage").exists()
    fair_trade.levers.add(lever)
    fair_trade.refresh_search_text()
    assert slugs(Practice.objects.search("lombricompostage")) == {"cafe-equitable"}


@pytest.mark.postgres
def test_french_unaccent_configuration_removes_accents_before_stemming(db):
    mapping = _rows(
        "SELECT m.maptokentype, m.mapseqno, d.dictname FROM pg_ts_config_map m "
        "JOIN pg_ts_config c ON c.oid = m.mapcfg JOIN pg_ts_dict d ON d.oid = m.mapdict "
        "JOIN ts_token_type('default') t ON t.tokid = m.maptokentype "
        "WHERE c.cfgname = 'french_unaccent' AND t.alias = 'word' ORDER BY m.mapseqno"
    )
    assert [dictionary for _, _, dictionary in mapping] == ["unaccent", "french_stem"]
    assert _rows("SELECT to_tsvector('french_unaccent', 'Équitables CAFÉS')::text") == [
        ("'caf':2 'equit':1",)
    ]


def test_a_key_figure_changed_in_its_own_admin_list_is_found_by_its_new_label(client, db):
    from tests.factories import make_staff

    practice = make_practice(slug="cafe-equitable", figures=[("tasses servies", 1000)])
    figure = practice.key_figures.get()
    client.force_login(make_staff("Responsables éditoriaux"))
    row = {"practice": practice.pk, "label": "gobelets lombricompostés", "value": "1000"}
    response = client.post(
        f"/admin/practices/keyfigure/{figure.pk}/change/",
        {**row, "unit": "", "period": "", "position": "0"},
    )
    assert response.status_code == 302
    assert slugs(Practice.objects.search("lombricompostés")) == {"cafe-equitable"}
    assert not Practice.objects.search("tasses").exists()
    client.post(f"/admin/practices/keyfigure/{figure.pk}/delete/", {"post": "yes"})
    assert not Practice.objects.search("lombricompostés").exists()
