"""Corrects two legal bases of the reference content in databases already loaded.

- Article R2122-9-1 (innovative purchases under 100 000 € HT) was dated from the code's
  entry into force (1 April 2019), but décret n° 2021-1634 of 13 December 2021 created it,
  in force on the 16th: until then the purchases it allows were a 2018 experiment outside
  the code. It now links to the article itself.
- « Loi 2005-882, art. 60 sur Légifrance » led to Légifrance's home page: it now opens
  the law.

Only rows still holding the shipped values change; an editor's own wording stays.
"""

import datetime

from django.db import migrations

CODE = "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019/"
R2122_9_1_URL = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000044490444"
R2122_9_1_OLD = "Dispositif expérimental à son origine, rendu pérenne en 2021."
R2122_9_1_NEW = (
    "Créé par le décret n° 2021-1634 du 13 décembre 2021, qui rend pérenne "
    "l'expérimentation ouverte pour trois ans par le décret n° 2018-1225 du "
    "24 décembre 2018."
)
LAW_CODE = "Loi 2005-882, art. 60"
LAW_URL = "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000452052/"
LAW_OLD = (
    "L'article 60 définit le commerce équitable ; sa rédaction a été complétée par la "
    "loi relative à l'économie sociale et solidaire de 2014."
)
LAW_NEW = (
    "L'article 60 définit le commerce équitable ; la loi relative à l'économie sociale "
    "et solidaire de 2014 a complété sa rédaction, puis les lois PACTE (2019) et Climat "
    "et résilience (2021) l'ont modifiée."
)


def correct(apps, schema_editor):
    LegalBasis = apps.get_model("levers", "LegalBasis")
    article = LegalBasis.objects.filter(code="R2122-9-1")
    article.filter(description=R2122_9_1_OLD).update(description=R2122_9_1_NEW)
    article.filter(url=CODE).update(url=R2122_9_1_URL)
    article.filter(valid_from=datetime.date(2019, 4, 1)).update(
        valid_from=datetime.date(2021, 12, 16)
    )
    law = LegalBasis.objects.filter(code=LAW_CODE)
    law.filter(description=LAW_OLD).update(description=LAW_NEW)
    law.filter(url="https://www.legifrance.gouv.fr/").update(url=LAW_URL)


class Migration(migrations.Migration):
    dependencies = [
        ("levers", "0004_slug_help_examples"),
    ]

    operations = [
        migrations.RunPython(correct, migrations.RunPython.noop),
    ]
