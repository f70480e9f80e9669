"""Dates article R2122-9-1 from the decree that created it, in databases already loaded.

The reference content dated it from the code's entry into force (1 April 2019), but the
article was created by décret n° 2021-1634 of 13 December 2021, in force on the 16th:
until then the purchases it allows were a 2018 experiment outside the code. Only the rows
still holding the shipped values change; an editor's own wording stays.
"""

import datetime

from django.db import migrations

OLD_DESCRIPTION = "Dispositif expérimental à son origine, rendu pérenne en 2021."
NEW_DESCRIPTION = (
    "Créé par le décret n° 2021-1634 du 13 décembre 2021, qui rend pérenne "
    "l'expérimentation ouverte pour trois ans par le décret n° 2018-1225 du "
    "24 décembre 2018."
)


def date_from_the_decree(apps, schema_editor):
    LegalBasis = apps.get_model("levers", "LegalBasis")
    shipped = LegalBasis.objects.filter(code="R2122-9-1", valid_from=datetime.date(2019, 4, 1))
    shipped.filter(description=OLD_DESCRIPTION).update(description=NEW_DESCRIPTION)
    shipped.update(valid_from=datetime.date(2021, 12, 16))


class Migration(migrations.Migration):
    dependencies = [
        ("levers", "0004_slug_help_examples"),
    ]

    operations = [
        migrations.RunPython(date_from_the_decree, migrations.RunPython.noop),
    ]
