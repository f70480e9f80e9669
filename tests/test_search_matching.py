"""Search matches French words, accent- and case-insensitive, on every database, and
follows every edit (on PostgreSQL, through the stored vector and its index)."""

import pytest
from django.db import connection
from django.utils.safestring import SafeString

from levers.models import Lever
from practices.highlight import highlight
from practices.models import Practice
from tests.factories import make_lever, make_practice

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


# PostgreSQL: the stored vector follows edits and its index serves the search ----------


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
