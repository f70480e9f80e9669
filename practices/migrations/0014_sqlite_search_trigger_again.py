"""SQLite only: put back the trigger that deletes a practice's full-text row.

SQLite cannot alter a column in place: Django rebuilds practices_practice for such a
change (0012 did), and the rebuilt table has no trigger. Any later migration that alters
a practice column on SQLite must end with this operation again;
tests/test_search_trade.py (bulk deletion) fails otherwise.
"""

from django.db import migrations

from practices import search_index

TRIGGER = (
    "CREATE TRIGGER practice_search_delete AFTER DELETE ON practices_practice "
    f"BEGIN DELETE FROM {search_index.FTS_TABLE} WHERE rowid = old.id; END"
)


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS practice_search_delete")
        schema_editor.execute(TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0013_legal_texts_and_site_messages"),
    ]

    operations = [
        migrations.RunPython(create_trigger, migrations.RunPython.noop, elidable=False),
    ]
