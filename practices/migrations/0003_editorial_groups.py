"""The two editorial roles.

Éditeurs create and edit content but cannot publish, manage users or delete
reference data; Responsables éditoriaux can also publish (publish_practice) and
delete content.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Éditeurs"
PUBLISHERS = "Responsables éditoriaux"

CONTENT = {
    "practices": ["practice", "keyfigure", "recognition", "partner", "sector", "contribution"],
    "levers": ["lever", "legalbasis", "kit", "fiche", "resource"],
}
REFERENCE = {"practices": ["region", "department"]}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_label in ("practices", "levers"):
        app_config = apps.get_app_config(app_label)
        # AppConfigStub has no models module; create_permissions only checks it is set.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(models, actions):
        codenames = [f"{action}_{model}" for model in models for action in actions]
        return list(
            Permission.objects.filter(content_type__app_label__in=CONTENT, codename__in=codenames)
        )

    editor_perms = []
    for models in CONTENT.values():
        editor_perms += perms(models, ["add", "change", "view"])
    for models in REFERENCE.values():
        editor_perms += perms(models, ["view"])

    # Inline rows (figures, legal bases…) are removed from their parent's form.
    editor_perms += perms(["keyfigure", "recognition", "legalbasis", "resource"], ["delete"])

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(editor_perms)

    publisher_perms = [p for p in editor_perms if not p.codename.startswith("delete_")]
    for models in CONTENT.values():
        publisher_perms += perms(models, ["delete"])
    publisher_perms += list(
        Permission.objects.filter(
            content_type__app_label="practices", codename="publish_practice"
        )
    )
    publishers, _ = Group.objects.get_or_create(name=PUBLISHERS)
    publishers.permissions.set(publisher_perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, PUBLISHERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0002_territories"),
        ("levers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
