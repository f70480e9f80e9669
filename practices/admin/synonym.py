"""The search vocabulary editors keep: synonym groups (acronyms and long forms)."""

from django import forms
from django.contrib import admin

from procurement_portal.admin import EditorFormDefaults

from .. import search_synonyms
from ..search_index import synonym_token
from ..search_models import Synonym


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["terms", "note"]
        widgets = {"terms": forms.Textarea(attrs={"rows": 3, "cols": 80})}


@admin.register(Synonym)
class SynonymAdmin(EditorFormDefaults, admin.ModelAdmin):
    form = SynonymForm
    list_display = ["__str__", "note", "updated_at"]
    search_fields = ["terms", "note"]
    ordering = ["terms"]
    list_per_page = 50

    # The practices naming a group carry its token (practices.search_synonyms): each
    # change gives them the new one, in the save's transaction.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search_synonyms.reindex(obj._state.db)

    def delete_model(self, request, obj):
        token = synonym_token(obj.pk)
        super().delete_model(request, obj)
        search_synonyms.reindex(obj._state.db, removed=[token])

    def delete_queryset(self, request, queryset):
        tokens = [synonym_token(pk) for pk in queryset.values_list("pk", flat=True)]
        super().delete_queryset(request, queryset)
        search_synonyms.reindex(queryset.db, removed=tokens)
