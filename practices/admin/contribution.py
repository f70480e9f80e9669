"""Proposals received through /proposer/, with their contributors' personal data."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from procurement_portal.admin import EditorFormDefaults, link_list, mailto_link

from .. import workflow
from ..models import (
    Contribution,
    Practice,
)


@admin.register(Contribution)
class ContributionAdmin(EditorFormDefaults, admin.ModelAdmin):
    list_display = [
        "practice_title",
        "practice_status",
        "contributor_name",
        "email_link",
        "contributor_role",
        "submitted_at",
    ]
    list_filter = ["practice__status", "submitted_at"]
    search_fields = [
        "practice__title",
        "contributor_name",
        "contributor_email",
        "practice__authority_name",
    ]
    list_select_related = ["practice"]
    autocomplete_fields = ["practice"]
    readonly_fields = [
        "submitted_at",
        "practice_link",
        "email_link",
        "clickable_links",
        "personal_data_purged_at",
    ]
    date_hierarchy = "submitted_at"
    actions = ["accept_proposals"]

    @admin.display(description="pratique proposée", ordering="practice__title")
    def practice_title(self, obj):
        return obj.practice.title

    @admin.display(description="statut", ordering="practice__status")
    def practice_status(self, obj):
        return obj.practice.get_status_display()

    @admin.display(description="écrire au contributeur", ordering="contributor_email")
    def email_link(self, obj):
        return mailto_link(obj.contributor_email)

    @admin.display(description="liens proposés (à vérifier avant usage)")
    def clickable_links(self, obj):
        return link_list(obj.links)

    @admin.display(description="fiche de la pratique")
    def practice_link(self, obj):
        url = reverse("admin:practices_practice_change", args=[obj.practice_id])
        return format_html('<a href="{}">Ouvrir la pratique « {} »</a>', url, obj.practice)

    @admin.action(description="Transformer en brouillon", permissions=["change"])
    def accept_proposals(self, request, queryset):
        count = workflow.accept_proposals(
            Practice.objects.filter(contribution__in=queryset), request.user
        )
        self.message_user(
            request, f"{count} proposition(s) transformée(s) en brouillon.", messages.SUCCESS
        )
