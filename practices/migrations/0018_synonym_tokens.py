"""Synonym groups as tokens (practices.search_synonyms):

- ``Practice.search_synonyms``, the tokens of the groups a practice names, filled here
  for every practice, and ``Synonym.indexed``, set for every group once they are;
- on PostgreSQL, ``synonym_vector``, those tokens as a generated tsvector with a GIN
  index (practices.search matches a synonym group there);
- on SQLite, the full-text row's deletion trigger put back (adding a column rebuilds the
  table there, see 0014).
"""

import importlib

from django.db import migrations, models
from django.db.models import F

from practices import search_synonyms
from practices.search import Synonyms

# 0014's SQLite trigger (a module name cannot be imported directly).
create_trigger = importlib.import_module(
    "practices.migrations.0014_sqlite_search_trigger_again"
).create_trigger

SYNONYM_VECTOR = [
    # Already in tsvector syntax, weights included: cast, not parsed again. Kept apart
    # from search_vector, whose length ts_rank divides by: tokens in it would rank a
    # practice naming several groups lower.
    "ALTER TABLE practices_practice ADD COLUMN synonym_vector tsvector "
    "GENERATED ALWAYS AS (coalesce(search_synonyms, '')::tsvector) STORED",
    "CREATE INDEX practice_synonym_vector_idx ON practices_practice "
    "USING gin (synonym_vector)",
]
DROP_SYNONYM_VECTOR = [
    "DROP INDEX IF EXISTS practice_synonym_vector_idx",
    "ALTER TABLE practices_practice DROP COLUMN IF EXISTS synonym_vector",
]


def fill_tokens(apps, schema_editor):
    alias = schema_editor.connection.alias
    Practice = apps.get_model("practices", "Practice")
    Synonym = apps.get_model("practices", "Synonym")
    rows = Synonym.objects.using(alias).values_list("terms", "pk", "indexed")
    matcher = Synonyms.from_rows(rows).matcher
    search_synonyms.rewrite(Practice.objects.using(alias), None, matcher)
    Synonym.objects.using(alias).update(indexed=True)
    # The synonym groups kept in the cache under the content version are the old code's:
    # a new version makes them, and every page built with them, stale.
    apps.get_model("practices", "ContentVersion").objects.using(alias).filter(pk=1).update(
        version=F("version") + 1
    )


def on_postgresql(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0017_revision_base"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpractice",
            name="search_synonyms",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="synonymes indexés"
            ),
        ),
        migrations.AddField(
            model_name="practice",
            name="search_synonyms",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="synonymes indexés"
            ),
        ),
        migrations.AddField(
            model_name="synonym",
            name="indexed",
            field=models.BooleanField(default=False, editable=False, verbose_name="indexé"),
        ),
        migrations.AlterField(
            model_name="synonym",
            name="terms",
            field=models.TextField(
                help_text="Au moins deux termes séparés par « = », par exemple « SIAE = "
                "structure d'insertion par l'activité économique ». Une recherche sur l'un "
                "des termes trouve aussi les pratiques qui emploient les autres. Sigles de 2 "
                "ou 3 lettres : seuls les mots entiers sont trouvés. L'enregistrement met à "
                "jour l'index des pratiques qui emploient ces termes : quelques secondes pour "
                "un terme très répandu.",
                max_length=600,
                verbose_name="termes équivalents",
            ),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.RunPython(on_postgresql(*SYNONYM_VECTOR), on_postgresql(*DROP_SYNONYM_VECTOR)),
        migrations.RunPython(create_trigger, migrations.RunPython.noop, elidable=False),
    ]
