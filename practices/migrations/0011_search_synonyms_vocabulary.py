"""Search that speaks the trade: weighted places, synonyms, a vocabulary, SQLite's FTS5.

- ``Practice.search_places`` (places, levers, articles), weighted C on PostgreSQL, between
  the summary (B) and the rest (``search_text``, now D): the generated search vector is
  rebuilt with four weights (see 0004 for the caveat on changing a column it uses);
- ``Synonym`` (edited in the admin by both editorial groups) and ``SearchWord`` (the
  vocabulary of « Vouliez-vous dire »), with a pg_trgm trigram index on PostgreSQL
  (pg_trgm is trusted: the database owner creates it without being superuser);
- on SQLite only, the FTS5 table ``practice_search`` (SearchEntry, unmanaged) and a
  trigger that removes a deleted practice's row; nothing on PostgreSQL;
- existing practices are indexed again.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.postgres.operations import TrigramExtension
import django.db.models.deletion
import practices.search_models
from django.db import migrations, models

from practices import search_index

CONFIG = "french_unaccent"
DROP_VECTOR = [
    "DROP INDEX IF EXISTS practice_search_vector_idx",
    "ALTER TABLE practices_practice DROP COLUMN IF EXISTS search_vector",
]


def add_vector(weights):
    columns = " || ".join(
        f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce({column}, '')), '{weight}')"
        for column, weight in weights
    )
    return [
        f"ALTER TABLE practices_practice ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({columns}) STORED",
        "CREATE INDEX practice_search_vector_idx ON practices_practice "
        "USING gin (search_vector)",
        # Kept inside the rows, as 0009 explains.
        "ALTER TABLE practices_practice ALTER COLUMN search_vector SET STORAGE MAIN",
    ]


FOUR_WEIGHTS = add_vector(
    [("title", "A"), ("summary", "B"), ("search_places", "C"), ("search_text", "D")]
)
THREE_WEIGHTS = add_vector([("title", "A"), ("summary", "B"), ("search_text", "C")])
TRIGRAM_INDEX = (
    "CREATE INDEX searchword_word_trgm_idx ON practices_searchword USING gin (word gin_trgm_ops)"
)
FTS = [
    f"CREATE VIRTUAL TABLE {search_index.FTS_TABLE} USING fts5({search_index.FTS_DEFINITION})",
    # Deleting practices in bulk (queryset delete, purge) must not leave rows behind.
    "CREATE TRIGGER practice_search_delete AFTER DELETE ON practices_practice "
    f"BEGIN DELETE FROM {search_index.FTS_TABLE} WHERE rowid = old.id; END",
]
DROP_FTS = [
    "DROP TRIGGER IF EXISTS practice_search_delete",
    f"DROP TABLE IF EXISTS {search_index.FTS_TABLE}",
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in [*DROP_VECTOR, *FOUR_WEIGHTS, TRIGRAM_INDEX]:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in FTS:
            schema_editor.execute(statement)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS searchword_word_trgm_idx")
        for statement in [*DROP_VECTOR, *THREE_WEIGHTS]:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in DROP_FTS:
            schema_editor.execute(statement)


def index_practices(apps, schema_editor):
    """Index existing practices again (historical models: the code of this migration's time)."""
    using = schema_editor.connection.alias
    Practice = apps.get_model("practices", "Practice")
    practices = Practice.objects.using(using).select_related("department__region")
    rows = []
    for practice in practices.iterator(chunk_size=500):
        practice.search_places, practice.search_text = search_index.practice_texts(practice)
        Practice.objects.using(using).filter(pk=practice.pk).update(
            search_places=practice.search_places, search_text=practice.search_text
        )
        rows.append(search_index.fts_row(practice))
    if rows and search_index.uses_fts(using):
        search_index.write_fts_rows(rows, using)
    search_index.rebuild_vocabulary(apps)


def grant_synonyms(apps, schema_editor):
    app_config = apps.get_app_config("practices")
    app_config.models_module = True  # see 0003
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="practices",
        codename__in=[f"{a}_synonym" for a in ("add", "change", "delete", "view")],
    )
    # Both editorial groups (0003): editors keep the trade's vocabulary up to date.
    for group in Group.objects.filter(name__in=["Éditeurs", "Responsables éditoriaux"]):
        group.permissions.add(*perms)


class TrigramOnPostgres(TrigramExtension):
    # Like 0004's UnaccentOnPostgres: SQLite must be able to unapply this migration.
    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('practices', '0010_practice_revisions'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('practice', models.OneToOneField(db_column='practice', db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_entry', serialize=False, to='practices.practice')),
                ('document', practices.search_models.FullTextDocumentField(db_column='practice_search')),
            ],
            options={
                'verbose_name': "entrée de l'index plein texte",
                'db_table': 'practice_search',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('word', models.CharField(max_length=60, unique=True, verbose_name='mot (sans accents)')),
                ('stem', models.CharField(db_index=True, max_length=60, verbose_name='racine')),
                ('display', models.CharField(max_length=60, verbose_name='forme écrite')),
                ('frequency', models.PositiveIntegerField(default=1, verbose_name='nombre de pratiques')),
            ],
            options={
                'verbose_name': 'mot du vocabulaire',
                'verbose_name_plural': 'vocabulaire de recherche',
            },
        ),
        migrations.CreateModel(
            name='Synonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('terms', models.TextField(help_text="Au moins deux termes séparés par « = », par exemple « SIAE = structure d'insertion par l'activité économique ». Une recherche sur l'un des termes trouve aussi les pratiques qui emploient les autres. Sigles de 2 ou 3 lettres : seuls les mots entiers sont trouvés.", max_length=600, verbose_name='termes équivalents')),
                ('note', models.CharField(blank=True, help_text="Pour les éditeurs seulement (source, raison d'être) ; jamais affichée.", max_length=200, verbose_name='remarque')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
            ],
            options={
                'verbose_name': 'synonyme',
                'verbose_name_plural': 'synonymes',
                'ordering': ['terms'],
            },
        ),
        migrations.AddField(
            model_name='historicalpractice',
            name='search_places',
            field=models.TextField(blank=True, editable=False, verbose_name='lieux et leviers indexés'),
        ),
        migrations.AddField(
            model_name='practice',
            name='search_places',
            field=models.TextField(blank=True, editable=False, verbose_name='lieux et leviers indexés'),
        ),
        TrigramOnPostgres(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
        migrations.RunPython(index_practices, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(grant_synonyms, migrations.RunPython.noop),
    ]
