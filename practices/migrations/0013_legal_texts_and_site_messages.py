"""Legal texts (editable, with history) and contact messages; seeds the texts, sets rights."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# Seeding ---------------------------------------------------------------------------
# The texts are read from fixtures/legal/ once, when this migration runs: afterwards
# they are the editors' (changing the files does not touch a database).

PAGES = {
    "accessibilite": (
        "Déclaration d'accessibilité",
        "L'état de conformité du portail au RGAA 4.1, ce qui a été vérifié, "
        "comment signaler un problème et les voies de recours.",
    ),
    "mentions-legales": (
        "Mentions légales",
        "Éditeur, directeur·rice de la publication, hébergeur, licence des contenus et crédits.",
    ),
    "donnees-personnelles": (
        "Données personnelles",
        "Les données personnelles que garde le portail, pourquoi, combien de temps, "
        "et comment exercer vos droits.",
    ),
}
PUBLISHERS = "Responsables éditoriaux"
EDITORS = "Éditeurs"


def seed(apps, schema_editor):
    from pathlib import Path

    from django.contrib.auth.management import create_permissions

    legal_dir = Path(__file__).resolve().parents[2] / "fixtures" / "legal"
    LegalText = apps.get_model("practices", "LegalText")
    for page, (title, summary) in PAGES.items():
        body = (legal_dir / f"{page}.md").read_text(encoding="utf-8")
        LegalText.objects.get_or_create(
            page=page, defaults={"title": title, "summary": summary, "body": body}
        )

    app_config = apps.get_app_config("practices")
    app_config.models_module = True  # see 0003_editorial_groups
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(codenames):
        return Permission.objects.filter(
            content_type__app_label="practices", codename__in=codenames
        )

    # Legal texts commit the publisher: only the Responsables éditoriaux change them.
    # Both roles read and handle contact messages.
    for name, codenames in (
        (
            PUBLISHERS,
            [
                "view_legaltext",
                "change_legaltext",
                "view_sitemessage",
                "change_sitemessage",
                "delete_sitemessage",
            ],
        ),
        (EDITORS, ["view_legaltext", "view_sitemessage", "change_sitemessage"]),
    ):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*perms(codenames))


def unseed(apps, schema_editor):
    pass  # the tables go away with the reverse of CreateModel


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0012_act_on_practices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="Donnée personnelle.", max_length=120, verbose_name="nom"
                    ),
                ),
                (
                    "email",
                    models.EmailField(
                        help_text="Pour répondre ; jamais affiché sur le site.",
                        max_length=254,
                        verbose_name="courriel",
                    ),
                ),
                ("subject", models.CharField(max_length=150, verbose_name="objet")),
                ("message", models.TextField(max_length=5000, verbose_name="message")),
                (
                    "received_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="reçu le"
                    ),
                ),
                (
                    "handled",
                    models.BooleanField(
                        default=False,
                        help_text="Cochez une fois la réponse envoyée.",
                        verbose_name="traité",
                    ),
                ),
            ],
            options={
                "verbose_name": "message au portail",
                "verbose_name_plural": "messages au portail",
                "ordering": ["-received_at"],
            },
        ),
        migrations.CreateModel(
            name="LegalText",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "page",
                    models.CharField(
                        choices=[
                            ("accessibilite", "Déclaration d'accessibilité"),
                            ("mentions-legales", "Mentions légales"),
                            ("donnees-personnelles", "Données personnelles"),
                        ],
                        editable=False,
                        max_length=40,
                        unique=True,
                        verbose_name="page",
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        help_text="Titre de la page (son <h1>) et de l'onglet.",
                        max_length=120,
                        verbose_name="titre",
                    ),
                ),
                (
                    "summary",
                    models.CharField(
                        help_text="Une phrase pour les moteurs de recherche et le haut de la page.",
                        max_length=300,
                        verbose_name="résumé",
                    ),
                ),
                (
                    "body",
                    models.TextField(
                        help_text="En Markdown (## pour un intertitre). Les {{ valeurs }} sont reprises des réglages du serveur : leur liste est sous le texte.",
                        verbose_name="texte",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="mis à jour le")),
            ],
            options={
                "verbose_name": "texte légal",
                "verbose_name_plural": "textes légaux",
                "ordering": ["page"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalLegalText",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "page",
                    models.CharField(
                        choices=[
                            ("accessibilite", "Déclaration d'accessibilité"),
                            ("mentions-legales", "Mentions légales"),
                            ("donnees-personnelles", "Données personnelles"),
                        ],
                        db_index=True,
                        editable=False,
                        max_length=40,
                        verbose_name="page",
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        help_text="Titre de la page (son <h1>) et de l'onglet.",
                        max_length=120,
                        verbose_name="titre",
                    ),
                ),
                (
                    "summary",
                    models.CharField(
                        help_text="Une phrase pour les moteurs de recherche et le haut de la page.",
                        max_length=300,
                        verbose_name="résumé",
                    ),
                ),
                (
                    "body",
                    models.TextField(
                        help_text="En Markdown (## pour un intertitre). Les {{ valeurs }} sont reprises des réglages du serveur : leur liste est sous le texte.",
                        verbose_name="texte",
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="mis à jour le"),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historique du texte légal",
                "verbose_name_plural": "historical textes légaux",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(seed, unseed),
    ]
