"""A practice's documents in the admin: edited inline in the practice's form, listed apart."""

from django.contrib import admin

from procurement_portal.admin import EditorFormDefaults, ReadOnlyAdmin

from ..models import Document


class DocumentInline(EditorFormDefaults, admin.TabularInline):
    model = Document
    extra = 0
    fields = ["title", "kind", "file", "position", "format", "size"]
    readonly_fields = ["format", "size"]

    # A pending revision carries fields, relations and key figures, not files: while an
    # Éditeur's change of a published practice goes to review, its documents are shown
    # read-only (a responsable éditorial adds them) rather than dropped on saving.
    def has_add_permission(self, request, obj=None):
        return not getattr(request, "goes_to_review", False) and super().has_add_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return not getattr(request, "goes_to_review", False) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return not getattr(request, "goes_to_review", False) and super().has_delete_permission(
            request, obj
        )


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin, EditorFormDefaults, admin.ModelAdmin):
    """Every practice's documents, to find one: they are added, changed and removed in
    their practice's form (where an Éditeur's change of a published practice goes to
    review), never here."""

    list_display = ["title", "kind", "format", "size", "practice"]
    list_filter = ["kind", "format"]
    search_fields = ["title", "practice__title"]
    list_select_related = ["practice"]
