"""Editorial roles over documents, suggestions and messages to référents.

Éditeurs attach documents and handle suggestions and waiting messages; Responsables
éditoriaux may also delete suggestions and messages.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Éditeurs"
PUBLISHERS = "Responsables éditoriaux"

EDITOR_PERMISSIONS = [
    "add_document",
    "change_document",
    "view_document",
    "delete_document",
    "view_suggestion",
    "change_suggestion",
    "view_contactmessage",
    "change_contactmessage",
]
PUBLISHER_PERMISSIONS = [*EDITOR_PERMISSIONS, "delete_suggestion", "delete_contactmessage"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("practices")
    # AppConfigStub has no models module; create_permissions only checks it is set.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((EDITORS, EDITOR_PERMISSIONS), (PUBLISHERS, PUBLISHER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="practices", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="practices", codename__in=PUBLISHER_PERMISSIONS
    )
    for group in Group.objects.filter(name__in=[EDITORS, PUBLISHERS]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("practices", "0012_documents")]

    operations = [migrations.RunPython(grant, revoke)]
