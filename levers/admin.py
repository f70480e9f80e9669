"""The editors' back office: levers and their legal bases, kits, fiches, resources."""

from pathlib import PurePosixPath

from django.contrib import admin
from django.db.models import Count

from practices.search_text import refresh_search_texts
from procurement_portal.admin import (
    EditorFormDefaults,
    HistoryRevertsRelations,
    in_default_order,
    public_link,
)
from procurement_portal.admin_history import FrenchHistoryAdmin
from procurement_portal.admin_practice_links import UsedByPractices

from .models import Fiche, Kit, LegalBasis, Lever, Resource


class LegalBasisInline(EditorFormDefaults, admin.StackedInline):
    add_another_text = "Ajouter une autre base légale"
    model = LegalBasis
    extra = 0
    fields = [
        ("code", "source"),
        "title",
        "description",
        "url",
        ("valid_from", "valid_until"),
        "position",
    ]


class LeverResourceInline(EditorFormDefaults, admin.TabularInline):
    add_another_text = "Ajouter une autre ressource"
    model = Resource
    fk_name = "lever"
    fields = ["title", "url", "kind", "description", "position"]
    extra = 0


class FicheResourceInline(LeverResourceInline):
    fk_name = "fiche"


@admin.register(Lever)
class LeverAdmin(UsedByPractices, EditorFormDefaults, FrenchHistoryAdmin):
    practice_field = "levers"
    indexed_inlines = ("legal_bases",)
    markdown_fields = ["body", "when_to_use"]
    list_display = ["name", "family", "position", "practice_count", "view_on_site_link"]
    list_editable = ["position"]
    list_filter = ["family"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [LegalBasisInline, LeverResourceInline]

    def get_queryset(self, request):
        return in_default_order(
            super().get_queryset(request).annotate(practice_total=Count("practices"))
        )

    @admin.display(description="pratiques", ordering="practice_total")
    def practice_count(self, obj):
        return obj.practice_total

    @admin.display(description="site public")
    def view_on_site_link(self, obj):
        return public_link(obj)


@admin.register(LegalBasis)
class LegalBasisAdmin(EditorFormDefaults, FrenchHistoryAdmin):
    list_display = ["code", "title", "source", "lever", "valid_from", "valid_until"]
    list_filter = ["lever", "source"]
    search_fields = ["code", "title", "description", "lever__name"]
    autocomplete_fields = ["lever"]
    list_select_related = ["lever"]

    # A lever's practices are found by its legal bases' codes (practices.search_index).

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.refresh_practices([obj.lever_id, form.initial.get("lever")])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self.refresh_practices([obj.lever_id])

    def delete_queryset(self, request, queryset):
        lever_ids = list(queryset.values_list("lever_id", flat=True))
        super().delete_queryset(request, queryset)
        self.refresh_practices(lever_ids)

    def refresh_practices(self, lever_ids):
        from practices.models import Practice

        refresh_search_texts(Practice.objects.filter(levers__in=lever_ids).distinct())


@admin.register(Kit)
class KitAdmin(EditorFormDefaults, admin.ModelAdmin):
    markdown_fields = ["description"]
    list_display = ["name", "edition", "published_on", "fiche_count"]
    list_filter = ["published_on"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return in_default_order(super().get_queryset(request).annotate(fiche_total=Count("fiches")))

    @admin.display(description="fiches", ordering="fiche_total")
    def fiche_count(self, obj):
        return obj.fiche_total


@admin.register(Fiche)
class FicheAdmin(UsedByPractices, EditorFormDefaults, HistoryRevertsRelations, FrenchHistoryAdmin):
    practice_field = "source_fiche"
    indexed_fields = ()  # a practice is not found by its fiche's words
    markdown_fields = ["body"]
    list_display = ["title", "kit", "number", "published_on", "has_pdf", "view_on_site_link"]
    list_filter = ["kit", "levers"]
    search_fields = ["title", "slug", "summary", "kit__name"]
    autocomplete_fields = ["kit", "levers"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["kit"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [FicheResourceInline]

    def save_model(self, request, obj, form, change):
        if "pdf" in form.changed_data and obj.pdf:
            # Shown next to the download link; computed rather than typed.
            obj.pdf_size_kib = -(-obj.pdf.size // 1024)
            obj.pdf_name = obj.pdf_name or PurePosixPath(obj.pdf.name).name
        super().save_model(request, obj, form, change)

    @admin.display(description="PDF déposé", boolean=True)
    def has_pdf(self, obj):
        return bool(obj.pdf)

    @admin.display(description="site public")
    def view_on_site_link(self, obj):
        return public_link(obj)


@admin.register(Resource)
class ResourceAdmin(EditorFormDefaults, admin.ModelAdmin):
    list_display = ["title", "kind", "lever", "fiche", "position"]
    list_filter = ["kind", "lever"]
    search_fields = ["title", "url", "description"]
    autocomplete_fields = ["lever", "fiche"]
    list_select_related = ["lever", "fiche__kit"]
