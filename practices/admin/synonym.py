"""The search vocabulary editors keep: synonym groups (acronyms and long forms)."""

from django import forms
from django.contrib import admin

from procurement_portal.admin import EditorFormDefaults

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
