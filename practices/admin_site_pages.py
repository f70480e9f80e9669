"""Admin of the site's own pages: legal texts (Responsables éditoriaux) and contact messages."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from procurement_portal.admin import EditorFormDefaults, public_link
from procurement_portal.admin_history import FrenchHistoryAdmin

from .legal import PLACEHOLDERS, LegalText, placeholder_values
from .site_contact import SiteMessage


@admin.register(LegalText)
class LegalTextAdmin(EditorFormDefaults, FrenchHistoryAdmin):
    """Three fixed pages, seeded by migration: edited, never added nor deleted.

    Only the Responsables éditoriaux hold change_legaltext (migration 0011): a legal
    statement commits the publisher.
    """

    # The preview shows {{ placeholders }} as typed; the public page fills them.
    markdown_fields = ["body"]
    list_display = ["__str__", "title", "updated_at", "view_on_site_link"]
    search_fields = ["title", "body"]
    readonly_fields = ["page", "available_values", "updated_at"]
    fields = ["page", "title", "summary", "body", "available_values", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="valeurs disponibles")
    def available_values(self, obj):
        values = placeholder_values()
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{{{{ {} }}}}</code> : {} — actuellement « {} »</li>",
                ((name, label, values[name]) for name, (_, label) in PLACEHOLDERS.items()),
            ),
        )

    @admin.display(description="page publique")
    def view_on_site_link(self, obj):
        return public_link(obj, "Voir la page")


@admin.register(SiteMessage)
class SiteMessageAdmin(EditorFormDefaults, admin.ModelAdmin):
    list_display = ["subject", "name", "email", "received_at", "handled"]
    list_filter = ["handled", "received_at"]
    search_fields = ["subject", "name", "email", "message"]
    date_hierarchy = "received_at"
    readonly_fields = ["name", "email", "subject", "message", "received_at"]
    fields = [*readonly_fields, "handled"]

    def has_add_permission(self, request):
        return False
