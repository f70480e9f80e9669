"""What search indexes: the words dropped from queries, and PostgreSQL's stored vector,
its GIN index and its French configuration."""

import pytest
from django.db import connection

from practices.models import Practice
from practices.text import STOP_WORDS, search_terms
from tests.factories import make_practice


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
