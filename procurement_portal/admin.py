"""What the admin pages of every app share."""

from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import format_html


class EditorFormDefaults:
    """ModelAdmin/inline mixin: form defaults that suit editors (help texts live on the models)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            # Editors paste bare domains; the web is https now (Django 6 default).
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def public_link(obj, label="Voir sur le site"):
    """A link to the public page, or a dash while that page has no URL yet."""
    try:
        url = obj.get_absolute_url()
    except NoReverseMatch:
        return "—"
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, label)
