"""What the admin pages of every app share."""

from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import format_html

POSITION_HELP = "Ordre d'affichage : les plus petits nombres d'abord."


class EditorHelpTexts:
    """ModelAdmin/inline mixin: help texts for editors where the model has none."""

    help_texts: dict[str, str] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            # Editors paste bare domains; the web is https now (Django 6 default).
            kwargs.setdefault("assume_scheme", "https")
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.help_texts:
            field.help_text = self.help_texts[db_field.name]
        return field


def public_link(obj, label="Voir sur le site"):
    """A link to the public page, or a dash while that page has no URL yet."""
    try:
        url = obj.get_absolute_url()
    except NoReverseMatch:
        return "—"
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, label)
