"""The ids of each practice's levers and sectors on its row, for a search's facet counts
(practices.facets), filled from the through tables; on SQLite, the full-text row's
deletion trigger put back (see 0014: adding a column rebuilds the table there)."""

import importlib

from django.db import migrations, models

# The trigger's operation, as 0014 wrote it (a module name cannot be imported directly).
create_trigger = importlib.import_module(
    "practices.migrations.0014_sqlite_search_trigger_again"
).create_trigger


def fill_facet_ids(apps, schema_editor):
    """The lever and sector ids of the existing practices, from the through tables (what
    practices.search_index.practice_texts keeps in step from now on)."""
    Practice = apps.get_model("practices", "Practice")
    alias = schema_editor.connection.alias
    ids = {}
    for field, column in (("levers", "lever_ids"), ("sectors", "sector_ids")):
        through = getattr(Practice, field).through
        target = f"{field[:-1]}_id"
        rows = through.objects.using(alias).order_by("practice_id", target)
        for practice_id, pk in rows.values_list("practice_id", target).iterator(chunk_size=5000):
            ids.setdefault(practice_id, {"lever_ids": [], "sector_ids": []})[column].append(pk)
    batch = []
    for practice_id, columns in ids.items():
        practice = Practice(pk=practice_id)
        for column, pks in columns.items():
            setattr(practice, column, ",".join(str(pk) for pk in sorted(set(pks))))
        batch.append(practice)
    Practice.objects.using(alias).bulk_update(batch, ["lever_ids", "sector_ids"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0015_facets_covering_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpractice",
            name="lever_ids",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="leviers (facettes)"
            ),
        ),
        migrations.AddField(
            model_name="historicalpractice",
            name="sector_ids",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="secteurs (facettes)"
            ),
        ),
        migrations.AddField(
            model_name="practice",
            name="lever_ids",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="leviers (facettes)"
            ),
        ),
        migrations.AddField(
            model_name="practice",
            name="sector_ids",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="secteurs (facettes)"
            ),
        ),
        # Dropped while the ids are filled, then built with them (the facets count the
        # lever and sector ids from this index, see Practice.Meta).
        migrations.RemoveIndex(model_name="practice", name="practice_facets_idx"),
        migrations.RunPython(fill_facet_ids, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="practice",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True), ("status", "published")),
                fields=[
                    "department",
                    "published_at",
                    "authority_type",
                    "evidence_level",
                    "start_year",
                    "end_year",
                    "id",
                    "lever_ids",
                    "sector_ids",
                ],
                name="practice_facets_idx",
            ),
        ),
        migrations.RunPython(create_trigger, migrations.RunPython.noop, elidable=False),
    ]
