"""Keep the search vectors inside the practice rows (PostgreSQL only).

Ranking reads the vector of every matching practice. Stored out of line (TOAST), each
one costs extra page reads: at 10,000 practices a common word's ranking took ~8.5 ms,
~5 ms with the vectors in the rows. With toast_tuple_target at its maximum, PostgreSQL
moves values out of a row only when the row would not fit in a page; long practices
are still stored as before. Existing rows are rewritten so that the setting applies to
them too (the generated vector is recomputed, to the same value).
"""

from django.db import migrations


def inline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE practices_practice SET (toast_tuple_target = 8160)")
        schema_editor.execute("UPDATE practices_practice SET title = title")


def out_of_line(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE practices_practice RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [("practices", "0008_editor_help_texts")]

    operations = [migrations.RunPython(inline, out_of_line, elidable=False)]
