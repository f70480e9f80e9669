"""Synonym groups as tokens (practices.search_synonyms): what practices carry, when a
group is looked up by its token, and how each change in the admin keeps them in step.

Runs on both databases; the token lookup itself is PostgreSQL's (synonym_vector), and
SQLite keeps the tokens in step all the same.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from practices import search_synonyms
from practices.models import Practice, Synonym
from practices.search import load_synonyms, parse
from practices.search_index import synonym_token
from practices.search_text import refresh_search_texts
from tests.conftest import ranked, starter_synonyms
from tests.factories import make_lever, make_practice, make_staff

STARTER = starter_synonyms()


def tokens(slug):
    """{token: the weights of its positions} of a practice's search_synonyms."""
    text = Practice.objects.get(slug=slug).search_synonyms
    found = {}
    for entry in text.split():
        token, positions = entry.split(":")
        found[token] = "".join(position[-1] for position in positions.split(","))
    return found


def group(terms):
    """A synonym group as the admin leaves it: saved, then its practices reindexed."""
    synonym = Synonym.objects.create(terms=terms)
    search_synonyms.reindex()
    synonym.refresh_from_db()
    return synonym


@pytest.fixture
def editor(db):
    client = Client()
    client.force_login(make_staff("Éditeurs"))
    return client


# What a practice carries -------------------------------------------------------------


def test_a_practice_carries_a_groups_token_wherever_a_term_stands_with_that_texts_weight(db):
    siae = group("SIAE = structure d'insertion par l'activité économique")
    clause = group("clause sociale = clause d'insertion")
    make_practice(
        slug="p",
        title="Une clause sociale",
        summary="Réservé aux SIAE.",
        body="Deux clauses d’insertion et des structures d'insertion par l'activité économique.",
    )
    assert tokens("p") == {synonym_token(clause.pk): "AD", synonym_token(siae.pk): "BD"}


def test_a_term_is_its_words_in_a_row_whatever_their_form_stop_words_aside(db):
    clause = group("clause sociale = clause d'insertion")
    make_practice(slug="suivis", summary="Les Clauses SOCIALES du marché.")
    make_practice(slug="epars", summary="Une clause très sociale.")
    assert tokens("suivis") == {synonym_token(clause.pk): "B"}
    assert tokens("epars") == {}


def test_a_practice_naming_no_group_carries_nothing(db):
    group("EA = entreprise adaptée")
    make_practice(slug="rien", title="Du café", summary="Équitable.")
    assert Practice.objects.get(slug="rien").search_synonyms == ""


def test_a_lever_renamed_gives_its_practices_the_token_of_its_new_name(db):
    clause = group("clause sociale = clause d'insertion")
    lever = make_lever(name="Achats durables")
    make_practice(slug="levier", levers=[lever])
    assert tokens("levier") == {}
    lever.name = "Clauses sociales"
    lever.save()
    refresh_search_texts(Practice.objects.filter(levers=lever))
    assert tokens("levier") == {synonym_token(clause.pk): "C"}


def test_generated_practices_carry_their_tokens(content):
    search_synonyms.reindex()
    call_command("generate_practices", "--practices", "20", verbosity=0)
    matcher = search_synonyms.load_matcher()
    generated = Practice.objects.filter(slug__startswith="exemple-genere-")
    assert generated.count() == 20
    assert all(p.search_synonyms == search_synonyms.vector_of(p, matcher) for p in generated)
    assert sum(bool(p.search_synonyms) for p in generated) >= 10


def test_a_groups_token_is_no_word_a_visitor_can_search_for(db):
    siae = group("SIAE = structure d'insertion")
    make_practice(slug="siae", summary="Les SIAE du territoire.")
    make_practice(slug="autre", summary="Un autre territoire.")
    assert ranked("SIAE") == ["siae"]
    assert parse(synonym_token(siae.pk), load_synonyms()) == []
    assert ranked(f"{synonym_token(siae.pk)} territoire") == ranked("territoire")
    assert len(ranked("territoire")) == 2


# When a group is looked up by its token ----------------------------------------------


def test_a_group_is_looked_up_by_its_terms_until_its_practices_carry_its_token(db):
    Synonym.objects.create(terms="ESAT = établissement et service d'aide par le travail")
    make_practice(slug="esat", summary="Un ESAT prestataire.")
    (clause,) = parse("ESAT", load_synonyms())
    assert clause.token is None
    assert ranked("établissement et service d'aide par le travail") == ["esat"]

    search_synonyms.reindex()
    (clause,) = parse("ESAT", load_synonyms())
    assert clause.token == synonym_token(Synonym.objects.get().pk)
    assert ranked("établissement et service d'aide par le travail") == ["esat"]


def test_postgresql_matches_an_indexed_group_in_the_synonym_vector(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synonym_vector")
    group("RSA = revenu de solidarité active")
    make_practice(slug="rsa", summary="Des allocataires du revenu de solidarité active.")
    with CaptureQueriesContext(connection) as queries:
        assert ranked("RSA") == ["rsa"]
    (sql,) = [q["sql"] for q in queries.captured_queries if "tsquery" in q["sql"]]
    assert "synonym_vector" in sql
    assert "phraseto_tsquery" in sql  # ranked by its phrases, as before


@pytest.mark.parametrize("row", STARTER, ids=[row["terms"][:30] for row in STARTER])
def test_each_starter_group_finds_the_same_practices_by_token_as_by_its_terms(db, row):
    terms = row["terms"].split(" = ")
    for index, term in enumerate(terms):
        make_practice(slug=f"terme-{index}", title="Une pratique", summary=f"Avec : {term}.")
        make_practice(slug=f"epars-{index}", summary=f"{' ni même '.join(term.split())}.")
    Synonym.objects.create(terms=row["terms"])
    by_terms = {term: ranked(term) for term in terms}
    assert by_terms[terms[0]]  # the group finds something before it is indexed
    search_synonyms.reindex()
    assert all(Synonym.objects.values_list("indexed", flat=True))
    assert {term: ranked(term) for term in terms} == by_terms


def test_a_stop_word_inside_a_term_stands_for_a_stop_word_not_for_any_word(db):
    # By its phrases, PostgreSQL read « marché de réservation » as « marché », any one
    # word, « réservation »; by its token, as SQLite reads it.
    group("marché réservé = marché de réservation")
    make_practice(slug="reserve", summary="Un marché de réservation.")
    make_practice(slug="autre", summary="Un marché ni réservé ni adapté.")
    assert ranked("marché réservé") == ["reserve"]


# Changes in the admin -----------------------------------------------------------------


def test_a_group_added_in_the_admin_is_indexed_in_the_same_request(editor):
    make_practice(slug="vermi", summary="Un vermicomposteur par collège.")
    response = editor.post(
        "/admin/practices/synonym/add/", {"terms": "lombricompostage = vermicomposteur"}
    )
    assert response.status_code == 302
    synonym = Synonym.objects.get()
    assert synonym.indexed
    assert tokens("vermi") == {synonym_token(synonym.pk): "B"}
    assert ranked("lombricompostage") == ["vermi"]


def test_a_group_changed_in_the_admin_moves_its_token_to_the_practices_of_its_new_terms(editor):
    synonym = group("lombricompostage = vermicomposteur")
    make_practice(slug="ancien", summary="Un vermicomposteur par collège.")
    make_practice(slug="nouveau", summary="Un compost de quartier.")
    assert ranked("lombricompostage") == ["ancien"]

    response = editor.post(
        f"/admin/practices/synonym/{synonym.pk}/change/",
        {"terms": "lombricompostage = compost de quartier"},
    )
    assert response.status_code == 302
    synonym.refresh_from_db()
    assert synonym.indexed
    assert tokens("ancien") == {}
    assert tokens("nouveau") == {synonym_token(synonym.pk): "B"}
    assert ranked("lombricompostage") == ["nouveau"]


def test_a_group_deleted_in_the_admin_leaves_no_token_behind(editor):
    kept = group("EA = entreprise adaptée")
    gone = group("lombricompostage = vermicomposteur")
    make_practice(slug="p", summary="Une entreprise adaptée et un vermicomposteur.")
    response = editor.post(f"/admin/practices/synonym/{gone.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert tokens("p") == {synonym_token(kept.pk): "B"}


def test_groups_deleted_from_the_list_leave_no_token_behind(editor):
    first = group("EA = entreprise adaptée")
    second = group("lombricompostage = vermicomposteur")
    make_practice(slug="p", summary="Une entreprise adaptée et un vermicomposteur.")
    response = editor.post(
        "/admin/practices/synonym/",
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Synonym.objects.exists()
    assert tokens("p") == {}


def test_rebuild_search_index_gives_every_practice_its_tokens(db):
    synonym = Synonym.objects.create(terms="EA = entreprise adaptée")
    make_practice(slug="p", summary="Une entreprise adaptée.")
    Practice.objects.update(search_synonyms="")  # as after a bulk change in SQL
    call_command("rebuild_search_index", stdout=None)
    assert tokens("p") == {synonym_token(synonym.pk): "B"}
    assert Synonym.objects.get().indexed
