"""The editors' back office for reference data: regions, departments, sectors, partners."""

from django.contrib import admin
from django.db.models import Count

from procurement_portal.admin import (
    EditorFormDefaults,
    in_default_order,
    public_link,
)
from procurement_portal.admin_practice_links import UsedByPractices

from ..models import (
    Department,
    Partner,
    Region,
    Sector,
)


@admin.register(Region)
class RegionAdmin(EditorFormDefaults, admin.ModelAdmin):
    list_display = ["name", "code", "department_count"]
    search_fields = ["name", "code"]
    list_filter = []
    ordering = ["name"]

    def get_queryset(self, request):
        return in_default_order(
            super().get_queryset(request).annotate(department_total=Count("departments"))
        )

    @admin.display(description="départements", ordering="department_total")
    def department_count(self, obj):
        return obj.department_total


@admin.register(Department)
class DepartmentAdmin(EditorFormDefaults, admin.ModelAdmin):
    list_display = ["code", "name", "region", "view_on_site_link"]
    list_filter = ["region"]
    search_fields = ["code", "name", "region__name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]

    @admin.display(description="site public")
    def view_on_site_link(self, obj):
        return public_link(obj)


# Content ----------------------------------------------------------------------


@admin.register(Sector)
class SectorAdmin(UsedByPractices, EditorFormDefaults, admin.ModelAdmin):
    practice_field = "sectors"
    kept_while_linked = False
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    list_filter = []
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Partner)
class PartnerAdmin(UsedByPractices, EditorFormDefaults, admin.ModelAdmin):
    practice_field = "partners"
    kept_while_linked = False
    list_display = ["name", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
