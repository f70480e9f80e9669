"""Search that speaks the trade: ranking on both databases, synonyms, articles, typos.

Every test without a postgres mark runs on SQLite (`make test`) and on PostgreSQL
(`.ci/run`): the same expectations hold on both databases.
"""

import re
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from levers.models import LegalBasis
from practices.models import ContentVersion, Partner, Practice, SearchWord, Synonym
from practices.search import PREFIX_MIN_LENGTH, parse
from practices.search_index import stems
from practices.suggest import correction, similarity
from tests.conftest import ranked, starter_synonyms
from tests.factories import make_lever, make_practice, make_staff

STARTER = starter_synonyms()


def slugs(queryset):
    return [practice.slug for practice in queryset]


# The same first results on both databases ------------------------------------------


@pytest.fixture
def corpus(content):
    """The four case studies and 300 generated practices (fixed seed)."""
    call_command("generate_practices", "--practices", "300", verbosity=0)


GENERATED = "exemple-genere-"
# Query → the first result, on SQLite (FTS5, bm25) as on PostgreSQL (ts_rank).
FIRST_RESULTS = {
    "Mayotte": "mayotte-achat-socialement-responsable",
    "CRESS": "mayotte-achat-socialement-responsable",
    "pratique exemplaire": "mayotte-achat-socialement-responsable",
    "SPASER": "meurthe-et-moselle-spaser-2021-2026",
    "Meurthe-et-Moselle": "meurthe-et-moselle-spaser-2021-2026",
    "commerce équitable": "ille-et-vilaine-territoire-commerce-equitable",
    "café": "ille-et-vilaine-territoire-commerce-equitable",
    "RSA": "pas-de-calais-marche-insertion-colleges",
    "AI": "pas-de-calais-marche-insertion-colleges",
    "association intermédiaire": "pas-de-calais-marche-insertion-colleges",
    "restauration collective": "pas-de-calais-marche-insertion-colleges",
    "Pas-de-Calais collèges": "pas-de-calais-marche-insertion-colleges",
    "L2112-2": f"{GENERATED}000083",
    "entreprise adaptée": f"{GENERATED}000233",
    "marchés réservés": f"{GENERATED}000148",
}


def test_the_same_queries_give_the_same_first_result_on_both_databases(corpus):
    firsts = {query: (ranked(query) or [None])[0] for query in FIRST_RESULTS}
    assert firsts == FIRST_RESULTS


def test_the_list_page_ranks_like_the_queryset(client, corpus):
    # Ranked by the facet query (filters.py), as order_by_relevance() ranks.
    response = client.get("/pratiques/", {"q": "Mayotte", "page": "2"})
    shown = slugs(response.context["practices"])
    assert shown == ranked("Mayotte")[12:24]


# What counts in relevance ------------------------------------------------------------


def test_mayotte_lists_the_practices_located_in_mayotte_first(client, corpus):
    response = client.get("/pratiques/", {"q": "Mayotte"})
    practices = list(response.context["practices"])
    in_mayotte = Practice.objects.published().filter(department="976").count()
    assert in_mayotte >= 3
    assert {p.department_id for p in practices[:in_mayotte]} == {"976"}
    # The others only name a Mayotte partner (the CRESS de Mayotte).
    assert response.context["count"] > in_mayotte


def test_a_practice_in_a_place_ranks_above_one_naming_a_partner_there(db):
    partner = Partner.objects.create(name="CRESS de Mayotte", slug="cress-mayotte-test")
    named = make_practice(slug="partenaire", department="62", partners=[partner])
    located = make_practice(slug="sur-place", department="976")
    assert named.published_at > located.published_at  # recency alone would list it first
    assert ranked("Mayotte") == ["sur-place", "partenaire"]


def test_title_ranks_above_summary_above_places_above_the_rest(db):
    lever = make_lever(name="Lombricompostage solidaire")
    make_practice(slug="reste", body="Le lombricompostage des cantines.")
    make_practice(slug="lieux", levers=[lever])
    make_practice(slug="resume", summary="Du lombricompostage dans les collèges.")
    make_practice(slug="titre", title="Lombricompostage")
    assert ranked("lombricompostage") == ["titre", "resume", "lieux", "reste"]


def test_partners_sectors_and_key_figures_are_searchable(db):
    partner = Partner.objects.create(name="Régie Lombric", slug="regie-lombric")
    make_practice(slug="partenaire", partners=[partner])
    make_practice(slug="chiffre", figures=[("Vermicomposteurs distribués", 40)])
    assert ranked("régie lombric") == ["partenaire"]
    assert ranked("vermicomposteurs") == ["chiffre"]


# Legal references ------------------------------------------------------------------


@pytest.fixture
def reserved(db):
    lever = make_lever(name="Marchés réservés", slug="reserves-test")
    LegalBasis.objects.create(lever=lever, code="L2113-12", title="Marchés réservés")
    other = make_lever(name="Autre", slug="autre-test")
    LegalBasis.objects.create(lever=other, code="L2113-13", title="SIAE")
    make_practice(slug="l2113-13", levers=[other])
    return make_practice(slug="l2113-12", levers=[lever])


@pytest.mark.parametrize(
    "query", ["L2113-12", "l2113-12", "L. 2113-12", "article L.2113-12", "L 2113-12"]
)
def test_an_article_of_a_lever_finds_its_practices_in_every_spelling(reserved, query):
    assert ranked(query) == ["l2113-12"]


def test_an_article_cited_in_a_text_is_searchable(db):
    make_practice(slug="cite", body="Au titre de l'article R. 2152-7 du code.")
    assert ranked("R2152-7") == ["cite"]
    assert ranked("R2152-8") == []


def test_lever_names_are_searchable(reserved):
    assert ranked("marché réservé") == ["l2113-12"]


# Synonyms --------------------------------------------------------------------------


def _only_stop_words(term):
    # « AI » is also « (j')ai »: neither database indexes it, so a practice that writes
    # only « AI » is not found by « association intermédiaire » (the other way works).
    return all(not stems(word) for word in term.split())


@pytest.fixture
def starter_synonyms(db):
    for row in STARTER:
        Synonym.objects.create(terms=row["terms"], note=row["note"])


def test_the_starter_list_has_the_trades_vocabulary():
    assert len(STARTER) >= 25
    firsts = {row["terms"].split(" = ")[0] for row in STARTER}
    assert {"SIAE", "RSA", "ESS", "EA", "ESAT", "AI", "CRESS", "SPASER"} <= firsts
    assert "clause sociale = clause d'insertion" in {r["terms"][:35] for r in STARTER}


def test_each_starter_group_finds_each_of_its_terms_from_the_others(starter_synonyms):
    targets = {}
    for group, row in enumerate(STARTER):
        for index, term in enumerate(row["terms"].split(" = ")):
            slug = f"groupe-{group}-terme-{index}"
            make_practice(slug=slug, title="Une pratique", summary=f"Avec : {term}.")
            targets[(group, term)] = slug
    missing = []
    for (group, query), _ in targets.items():
        found = set(slugs(Practice.objects.search(query)))
        for (other_group, term), slug in targets.items():
            if other_group == group and not _only_stop_words(term) and slug not in found:
                missing.append((query, term))
    assert missing == []


def test_the_starter_list_is_loaded_by_load_content(content):
    assert Synonym.objects.count() == len(STARTER)
    call_command("load_content", verbosity=0)  # idempotent
    assert Synonym.objects.count() == len(STARTER)


def test_a_phrase_of_the_query_is_replaced_by_its_group(starter_synonyms):
    make_practice(slug="siae", summary="Un marché réservé aux SIAE du territoire.")
    make_practice(slug="autre", summary="Une structure économique d'insertion.")
    # The phrase matches as a phrase, not as scattered words.
    assert ranked("structures d'insertion par l'activité économique") == ["siae"]
    assert ranked("SIAE territoire") == ["siae"]


def test_a_synonym_added_in_the_admin_applies_to_the_next_request(client, db, settings, committed):
    settings.PAGE_CACHE_SECONDS = 600
    make_practice(slug="lombric", summary="Un vermicomposteur dans chaque collège.")
    assert client.get("/pratiques/", {"q": "lombricompostage"}).context["count"] == 0
    version = ContentVersion.objects.current()[0]

    editor = Client()
    editor.force_login(make_staff("Éditeurs"))
    with committed():  # the content version moves when the admin's transaction commits
        response = editor.post(
            "/admin/practices/synonym/add/",
            {"terms": "lombricompostage = vermicomposteur", "note": ""},
        )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert ContentVersion.objects.current()[0] > version
    response = client.get("/pratiques/", {"q": "lombricompostage"})
    assert slugs(response.context["practices"]) == ["lombric"]


def test_a_synonym_group_needs_two_terms_and_is_tidied(db):
    from django.core.exceptions import ValidationError

    synonym = Synonym(terms="ESS")
    with pytest.raises(ValidationError, match="deux termes"):
        synonym.full_clean()
    synonym = Synonym(terms="  ESS =économie  sociale et solidaire\n= ESS")
    synonym.full_clean()
    assert synonym.terms == "ESS = économie sociale et solidaire"
    with pytest.raises(ValidationError, match="non autorisés"):
        Synonym(terms="ESS = \x00").full_clean()


def test_editors_see_synonyms_in_the_admin_in_french(client, db):
    Synonym.objects.create(terms="EA = entreprise adaptée")
    client.force_login(make_staff("Éditeurs"))
    page = client.get("/admin/practices/synonym/").content.decode()
    assert "EA = entreprise adaptée" in page
    assert "synonyme" in page.lower()


# Short acronyms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text"),
    [("ESS", "Un essai essentiel."), ("EA", "Eau et éducation."), ("RSA", "Rsaxe rsab.")],
)
def test_short_acronyms_match_whole_words_only(db, query, text):
    make_practice(slug="mot-entier", summary=f"Les acteurs de l'{query} du territoire.")
    make_practice(slug="prefixe", summary=text)
    assert ranked(query) == ["mot-entier"]


def test_longer_last_words_still_match_as_a_prefix(db):
    make_practice(slug="equitable", summary="Du commerce équitable.")
    assert PREFIX_MIN_LENGTH == 4
    assert ranked("commerce équi") == ["equitable"]


def test_queries_are_parsed_alike_for_both_databases():
    clauses = parse("L. 2113-12 et les clauses")
    assert [c.alternatives for c in clauses] == [(("l2113x12",),), (("clauses",),)]
    assert [c.prefix for c in clauses] == [False, True]


# Typos -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("equitabel", "équitable"),
        ("Mayote", "Mayotte"),
        ("restoration colective", "restauration collective"),
    ],
)
def test_typos_get_a_correction_from_the_words_of_published_practices(
    client, content, typed, meant
):
    assert correction(typed) == meant
    response = client.get("/pratiques/", {"q": typed})
    assert response.context["count"] < 3  # « Mayote » finds Mayotte as a prefix
    html = response.content.decode()
    assert "Vouliez-vous dire" in html
    assert f'href="?{urlencode({"q": meant})}"' in html


def test_no_correction_when_a_search_finds_enough(client, content):
    response = client.get("/pratiques/", {"q": "clause sociale"})
    assert response.context["count"] >= 3
    assert "Vouliez-vous dire" not in response.content.decode()


def test_the_correction_keeps_the_other_filters(client, content):
    response = client.get("/pratiques/", {"q": "Mayote", "type_collectivite": "departement"})
    link = response.context["suggestion"]["url"]
    assert "type_collectivite=departement" in link and "q=Mayotte" in link


def test_unpublished_words_are_not_suggested(db):
    make_practice(slug="brouillon", summary="Lombricompostage.", status=Practice.Status.DRAFT)
    assert not SearchWord.objects.filter(word="lombricompostage").exists()
    assert correction("lombricompostag") is None


def test_python_similarity_is_pg_trgms():
    assert similarity("mayote", "mayotte") == pytest.approx(0.6666, abs=1e-3)
    assert similarity("equitable", "equitable") == 1.0


def test_suggestions_and_a_search_page_stay_within_their_query_budget(
    client, content, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = client.get("/pratiques/", {"q": "restoration colective"})
    assert response.context["suggestion"]["query"] == "restauration collective"


# Robustness ------------------------------------------------------------------------

PIECES = [
    *(row["terms"].split(" = ")[0] for row in STARTER),
    "structure d'insertion",
    '"',
    "'",
    "«",
    "*",
    "^",
    "-",
    ":*",
    "<->",
    "&",
    "|",
    "!",
    "(",
    ")",
    "OR",
    "AND",
    "NOT",
    "NEAR",
    "L. 2113-12",
    "é" * 30,
]


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pieces=st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=40))
def test_queries_of_synonyms_quotes_and_operators_never_fail(client, starter_synonyms, pieces):
    query = " ".join(pieces)[:200]
    response = client.get("/pratiques/", {"q": query})
    assert response.status_code in (200, 400)
    if response.status_code == 200 and "\x00" not in query:
        # Ranking neither loses nor repeats a match.
        ranked = list(Practice.objects.search(query).order_by_relevance(query))
        assert sorted(p.pk for p in ranked) == sorted(
            Practice.objects.search(query).values_list("pk", flat=True)
        )


# Indexes -----------------------------------------------------------------------------


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_deleting_practices_in_bulk_leaves_no_index_row_behind(db):
    make_practice(slug="a-supprimer", title="Lombricompostage")
    Practice.objects.filter(slug="a-supprimer").delete()
    if connection.vendor == "sqlite":
        assert _rows("SELECT count(*) FROM practice_search") == [(0,)]
    assert ranked("lombricompostage") == []


def test_sqlite_has_a_full_text_table_with_four_weighted_columns(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's index")
    sql = _rows("SELECT sql FROM sqlite_master WHERE name = 'practice_search'")[0][0]
    assert "fts5(title, summary, places, rest, practice UNINDEXED" in sql


def test_startup_refuses_a_sqlite_without_fts5(monkeypatch):
    import sqlite3

    from django.core.exceptions import ImproperlyConfigured

    from practices import apps

    class NoFts5:
        def execute(self, sql):
            raise sqlite3.OperationalError("no such module: fts5")

        def close(self):
            pass

    monkeypatch.setattr(apps.sqlite3, "connect", lambda *args: NoFts5())
    with pytest.raises(ImproperlyConfigured, match="FTS5"):
        apps.require_fts5()


@pytest.mark.postgres
def test_postgresql_weights_places_between_summary_and_the_rest(db):
    (expression,) = _rows(
        "SELECT generation_expression FROM information_schema.columns "
        "WHERE table_name = 'practices_practice' AND column_name = 'search_vector'"
    )[0]
    for column, weight in [
        ("title", "A"),
        ("summary", "B"),
        ("search_places", "C"),
        ("search_text", "D"),
    ]:
        assert re.search(rf"COALESCE\({column},[^|]*'{weight}'", expression), column


@pytest.mark.postgres
def test_postgresql_has_pg_trgm_and_a_trigram_index_on_the_vocabulary(db):
    assert _rows("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'") == [(1,)]
    (definition,) = _rows(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'searchword_word_trgm_idx'"
    )[0]
    assert "gin_trgm_ops" in definition


def test_rebuild_search_index_restores_what_bulk_writes_bypassed(db):
    practice = make_practice(slug="vrac", title="Un titre")
    Practice.objects.filter(pk=practice.pk).update(title="Lombricompostage en vrac")
    SearchWord.objects.all().delete()
    call_command("rebuild_search_index", verbosity=0)
    assert ranked("lombricompostage") == ["vrac"]
    assert SearchWord.objects.filter(word="lombricompostage", display="Lombricompostage").exists()
