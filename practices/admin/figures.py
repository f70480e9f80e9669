"""Key figures and distinctions in the admin: inlines of the practice page, and lists
for finding them across all practices."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from procurement_portal.admin import EditorFormDefaults
from procurement_portal.admin_history import FrenchHistoryAdmin

from .. import revisions
from ..models import KeyFigure, Practice, Recognition

REVIEWED_PRACTICE = (
    "Cette pratique est publiée : ses chiffres clés et distinctions se modifient depuis "
    "sa page, où vos modifications partent en relecture avant d'être publiées."
)


class KeyFigureInline(EditorFormDefaults, admin.TabularInline):
    add_another_text = "Ajouter un autre chiffre clé"
    model = KeyFigure
    extra = 0
    fields = ["label", "value", "unit", "period", "position"]


class RecognitionInline(EditorFormDefaults, admin.TabularInline):
    add_another_text = "Ajouter une autre distinction"
    model = Recognition
    extra = 0


class ReviewedWithTheirPractice:
    """ModelAdmin mixin for the lists of a practice's rows: who may not publish changes
    a published practice's rows in its form, where the change goes to review
    (practices.revisions), not here, where it would be public at once."""

    def _goes_to_review(self, request, obj):
        return obj is not None and revisions.goes_to_review(request.user, obj.practice)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and not self._goes_to_review(request, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and not self._goes_to_review(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class ReviewedForm(form):
            def clean_practice(self):
                practice = self.cleaned_data["practice"]
                if revisions.goes_to_review(user, practice):
                    raise ValidationError(REVIEWED_PRACTICE, code="goes_to_review")
                return practice

        return ReviewedForm


@admin.register(KeyFigure)
class KeyFigureAdmin(ReviewedWithTheirPractice, EditorFormDefaults, FrenchHistoryAdmin):
    """Figures are edited inside their practice; this list is for finding them across all."""

    list_display = ["label", "french_value", "unit", "period", "practice"]
    list_filter = ["unit"]
    search_fields = ["label", "practice__title"]
    autocomplete_fields = ["practice"]
    list_select_related = ["practice"]

    # Key-figure labels are searchable with their practice (practices.search_text); the
    # practice's form rebuilds its search text after its inlines, this list must too.

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        moved_from = form.initial.get("practice")
        if moved_from and moved_from != obj.practice_id:
            for practice in Practice.objects.filter(pk=moved_from):
                practice.refresh_search_text()
        obj.practice.refresh_search_text()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        obj.practice.refresh_search_text()

    def delete_queryset(self, request, queryset):
        practices = {figure.practice for figure in queryset.select_related("practice")}
        super().delete_queryset(request, queryset)
        for practice in practices:
            practice.refresh_search_text()

    @admin.display(description="valeur", ordering="value")
    def french_value(self, obj):
        return obj.display_value


@admin.register(Recognition)
class RecognitionAdmin(ReviewedWithTheirPractice, EditorFormDefaults, admin.ModelAdmin):
    list_display = ["title", "awarded_by", "year", "practice"]
    list_filter = ["year"]
    search_fields = ["title", "awarded_by", "practice__title"]
    autocomplete_fields = ["practice"]
    list_select_related = ["practice"]
