"""Key figures and distinctions in the admin: inlines of the practice page, and lists
for finding them across all practices."""

from django.contrib import admin

from procurement_portal.admin import EditorFormDefaults
from procurement_portal.admin_history import FrenchHistoryAdmin

from ..models import KeyFigure, Recognition


class KeyFigureInline(EditorFormDefaults, admin.TabularInline):
    add_another_text = "Ajouter un autre chiffre clé"
    model = KeyFigure
    extra = 0
    fields = ["label", "value", "unit", "period", "position"]


class RecognitionInline(EditorFormDefaults, admin.TabularInline):
    add_another_text = "Ajouter une autre distinction"
    model = Recognition
    extra = 0


@admin.register(KeyFigure)
class KeyFigureAdmin(EditorFormDefaults, FrenchHistoryAdmin):
    """Figures are edited inside their practice; this list is for finding them across all."""

    list_display = ["label", "french_value", "unit", "period", "practice"]
    list_filter = ["unit"]
    search_fields = ["label", "practice__title"]
    autocomplete_fields = ["practice"]
    list_select_related = ["practice"]

    @admin.display(description="valeur", ordering="value")
    def french_value(self, obj):
        return obj.display_value


@admin.register(Recognition)
class RecognitionAdmin(EditorFormDefaults, admin.ModelAdmin):
    list_display = ["title", "awarded_by", "year", "practice"]
    list_filter = ["year"]
    search_fields = ["title", "awarded_by", "practice__title"]
    autocomplete_fields = ["practice"]
    list_select_related = ["practice"]
