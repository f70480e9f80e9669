"""Admin of what visitors send: messages to référents and suggested changes."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from procurement_portal.admin import EditorFormDefaults

from ..inbox import ContactMessage, Suggestion


def practice_links(practice):
    edit = reverse("admin:practices_practice_change", args=[practice.pk])
    return format_html(
        '<a href="{}">{}</a> (<a href="{}" target="_blank" rel="noopener">sur le site</a>)',
        edit,
        practice,
        practice.get_absolute_url(),
    )


@admin.register(ContactMessage)
class ContactMessageAdmin(EditorFormDefaults, admin.ModelAdmin):
    list_display = ["created_at", "practice_title", "route", "sender_organisation", "delivery"]
    list_filter = ["route", ("sent_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["practice__title", "sender_name", "sender_email", "sender_organisation"]
    list_select_related = ["practice"]
    date_hierarchy = "created_at"
    fields = [
        "practice_link",
        "route",
        "sender_name",
        "sender_email",
        "sender_organisation",
        "message",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields
    actions = ["forward_again"]

    def has_add_permission(self, request):
        # Written by visitors only; editors read, resend or delete them.
        return False

    @admin.display(description="pratique", ordering="practice__title")
    def practice_title(self, obj):
        return Truncator(obj.practice.title).chars(60)

    @admin.display(description="pratique")
    def practice_link(self, obj):
        return practice_links(obj.practice)

    @admin.display(description="transmission", ordering="sent_at")
    def delivery(self, obj):
        return "Transmis" if obj.sent_at else "En attente"

    @admin.action(description="Transmettre à nouveau les messages en attente")
    def forward_again(self, request, queryset):
        from ..contact import contact_route, forward

        sent = failed = 0
        for message in queryset.unsent().select_related("practice"):
            route = contact_route(message.practice)
            if route is None:
                failed += 1
                continue
            if route != message.route:
                message.route = route
                message.save(update_fields=["route"])
            if forward(request, message):
                sent += 1
            else:
                failed += 1
        if sent:
            self.message_user(request, f"{sent} message(s) transmis.", messages.SUCCESS)
        if failed:
            self.message_user(
                request,
                f"{failed} message(s) toujours en attente : le serveur de courriel ne répond "
                "pas ou aucun destinataire n'est configuré. Réessayez plus tard.",
                messages.WARNING,
            )
        if not sent and not failed:
            self.message_user(request, "Aucun message en attente dans la sélection.")


@admin.register(Suggestion)
class SuggestionAdmin(EditorFormDefaults, admin.ModelAdmin):
    list_display = ["created_at", "excerpt", "practice_link", "status"]
    list_display_links = ["created_at", "excerpt"]
    list_filter = ["status", "created_at"]
    list_editable = ["status"]
    search_fields = ["practice__title", "message", "email"]
    list_select_related = ["practice"]
    date_hierarchy = "created_at"
    fields = ["practice_link", "message", "email", "created_at", "status"]
    readonly_fields = ["practice_link", "message", "email", "created_at"]
    actions = ["mark_done"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="suggestion")
    def excerpt(self, obj):
        return Truncator(obj.message).chars(90)

    @admin.display(description="pratique", ordering="practice__title")
    def practice_link(self, obj):
        return practice_links(obj.practice)

    @admin.action(description="Marquer comme traitées", permissions=["change"])
    def mark_done(self, request, queryset):
        count = queryset.update(status=Suggestion.Status.DONE)
        self.message_user(request, f"{count} suggestion(s) traitée(s).", messages.SUCCESS)
