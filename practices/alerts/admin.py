"""Subscriptions for support: seen, changed in frequency or deleted, never created by
editors (only their owner subscribes, by confirming from their mailbox)."""

from django.contrib import admin

from .models import EditorsSummary, PublicationNotice, Subscription
from .searches import describe, search_filter


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("email", "filters", "frequency", "confirmed", "last_sent_at", "created_at")
    list_filter = ("frequency", ("confirmed_at", admin.EmptyFieldListFilter))
    search_fields = ("email",)
    fields = (
        "email",
        "filters",
        "query",
        "frequency",
        "created_at",
        "confirmed_at",
        "covered_until",
        "last_sent_at",
    )
    readonly_fields = (
        "email",
        "filters",
        "query",
        "created_at",
        "confirmed_at",
        "covered_until",
        "last_sent_at",
    )
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    @admin.display(description="critères suivis")
    def filters(self, obj):
        return describe(search_filter(obj.query))

    @admin.display(description="confirmée", boolean=True, ordering="confirmed_at")
    def confirmed(self, obj):
        return obj.is_confirmed


@admin.register(PublicationNotice)
class PublicationNoticeAdmin(admin.ModelAdmin):
    list_display = ("practice", "requested_at", "sent_at")
    list_select_related = ("practice",)
    readonly_fields = ("practice", "requested_at", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EditorsSummary)
class EditorsSummaryAdmin(admin.ModelAdmin):
    list_display = ("day", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
