"""French, accent-insensitive full-text search on PostgreSQL; nothing on other databases.

- the ``unaccent`` extension (trusted since PostgreSQL 13: the database owner may
  create it without being superuser);
- the ``french_unaccent`` text search configuration: ``french`` with unaccent before
  the French stemmer, so « Équitable », « equitable » and « EQUITABLE » give one lexeme;
- ``practices_practice.search_vector``, a stored generated tsvector (title A, summary B,
  the folded ``search_text`` C) with a GIN index. PostgreSQL recomputes it on every
  write, whatever the path (save(), queryset.update(), imports, raw SQL), so it cannot
  drift from the text. Django does not know the column (it is added to the database
  only, not to the model state): it is never inserted, updated or selected by the ORM;
  practices.search reaches it explicitly.

Caveat: PostgreSQL refuses to change the type of a column a generated column uses.
A later migration changing ``title``'s max_length must first run DROP_VECTOR, then
alter the field, then run ADD_VECTOR again (copy both from here).
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

CONFIG = "french_unaccent"

CREATE_CONFIG = [
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.french)",
    # The ascii* token types have no accents to remove; the others go through unaccent.
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
]
DROP_CONFIG = [f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}"]

# The 2-argument to_tsvector with a regconfig constant is immutable, as a generated
# column requires.
ADD_VECTOR = [
    f"""
    ALTER TABLE practices_practice ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(summary, '')), 'B')
        || setweight(to_tsvector('{CONFIG}'::regconfig, coalesce(search_text, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX practice_search_vector_idx ON practices_practice USING gin (search_vector)",
]
DROP_VECTOR = [
    "DROP INDEX IF EXISTS practice_search_vector_idx",
    "ALTER TABLE practices_practice DROP COLUMN IF EXISTS search_vector",
]


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE_CONFIG + ADD_VECTOR:
            schema_editor.execute(statement)


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_VECTOR + DROP_CONFIG:
            schema_editor.execute(statement)


class UnaccentOnPostgres(UnaccentExtension):
    # Django's CreateExtension skips other databases going forwards but not backwards,
    # where it queries pg_extension: SQLite would fail to unapply this migration.
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0003_editorial_groups"),
    ]

    operations = [
        # A no-op on other databases; reversed on PostgreSQL, it drops the extension.
        UnaccentOnPostgres(),
        migrations.RunPython(create_search, drop_search, elidable=False),
    ]
