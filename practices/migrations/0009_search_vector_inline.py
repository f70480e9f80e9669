"""Keep the search vectors inside the practice rows (PostgreSQL only).

Ranking reads the vector of every matching practice. Stored out of line (TOAST, as 0007
left them), each one costs extra page reads: at 10,000 practices a common word's ranking
took ~8.5 ms, ~5 ms with the vectors in the rows. With MAIN storage, PostgreSQL moves the
other long columns (the folded search text, the body) out of a long row first, and
compresses or moves the vector only if the row still does not fit: rows stay small (the
table is half the size) and the vector stays inline, uncompressed. Existing rows are
rewritten so that the setting applies to them too (the generated vector is recomputed,
to the same value).
"""

from django.db import migrations


def inline(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE practices_practice ALTER COLUMN search_vector SET STORAGE MAIN"
        )
        schema_editor.execute("UPDATE practices_practice SET title = title")


def out_of_line(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE practices_practice ALTER COLUMN search_vector SET STORAGE EXTERNAL"
        )


class Migration(migrations.Migration):
    dependencies = [("practices", "0008_editor_help_texts")]

    operations = [migrations.RunPython(inline, out_of_line, elidable=False)]
