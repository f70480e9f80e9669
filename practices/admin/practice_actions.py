"""What editors do to practices besides editing one: the list's actions (publish,
unpublish, accept proposals, duplicate, bin, restore), « Créer une copie en brouillon »
on the change page, and the bin itself: deleting is soft, the practice can be restored.

A mixin of PracticeAdmin (practice.py); who may do what is decided in practices.workflow.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from procurement_portal.admin_history import french_datetime

from .. import workflow


class DeletedFilter(admin.SimpleListFilter):
    """Deleted practices are hidden unless the editor opens the bin."""

    title = "corbeille"
    parameter_name = "corbeille"

    def lookups(self, request, model_admin):
        return [("oui", "Pratiques supprimées")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Pratiques actives",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)


class PracticeActions:
    """PracticeAdmin mixin: its actions, the copy view and the bin."""

    actions = [
        "publish_selected",
        "unpublish_selected",
        "accept_proposals",
        "duplicate_selected",
        "trash_selected",
        "restore_selected",
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting is replaced by the bin (trash_selected), which can be undone.
        actions.pop("delete_selected", None)
        return actions

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.deleted_at is not None and request.method == "GET":
            self.message_user(
                request,
                "Cette pratique est dans la corbeille : elle n'est pas visible sur le site. "
                "Restaurez-la depuis la liste (filtre « Corbeille »).",
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # Deleting is soft: the practice goes to the bin and can be restored.

    def delete_model(self, request, obj):
        workflow.soft_delete(obj, request.user)

    def delete_queryset(self, request, queryset):
        for practice in queryset:
            workflow.soft_delete(practice, request.user)

    def get_deleted_objects(self, objs, request):
        # Nothing is really deleted, so there is no cascade to list.
        perms_needed = set() if self.has_delete_permission(request) else {"pratique"}
        return [str(obj) for obj in objs], {"pratiques": len(objs)}, perms_needed, []

    # Actions --------------------------------------------------------------------

    @admin.action(description="Publier les pratiques sélectionnées", permissions=["publish"])
    def publish_selected(self, request, queryset):
        if not workflow.can_publish(request.user):
            self.message_user(request, workflow.NOT_ALLOWED_TO_PUBLISH, messages.ERROR)
            return
        selected = queryset.count()
        count = workflow.publish(queryset, request.user)
        self.message_user(request, f"{count} pratique(s) publiée(s).", messages.SUCCESS)
        # A date set in advance is kept: such a practice is only scheduled.
        later = queryset.filter(
            status=workflow.Status.PUBLISHED, published_at__gt=timezone.now(), deleted_at=None
        )
        if later:
            names = ", ".join(
                f"« {p} » (le {french_datetime(p.published_at)})" for p in later.order_by("title")
            )
            self.message_user(
                request,
                f"Programmée(s), pas encore visible(s) sur le site : {names}.",
                messages.WARNING,
            )
        if count < selected:
            self.message_user(
                request,
                f"{selected - count} pratique(s) laissée(s) telles quelles "
                "(déjà publiées, proposées à examiner ou dans la corbeille).",
                messages.WARNING,
            )

    @admin.action(
        description="Dépublier (archiver) les pratiques sélectionnées", permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        if not workflow.can_publish(request.user):
            self.message_user(request, workflow.NOT_ALLOWED_TO_PUBLISH, messages.ERROR)
            return
        count = workflow.unpublish(queryset, request.user)
        self.message_user(request, f"{count} pratique(s) dépubliée(s).", messages.SUCCESS)

    @admin.action(description="Transformer les propositions en brouillons", permissions=["change"])
    def accept_proposals(self, request, queryset):
        count = workflow.accept_proposals(queryset, request.user)
        self.message_user(
            request, f"{count} proposition(s) transformée(s) en brouillon.", messages.SUCCESS
        )

    @admin.action(description="Dupliquer comme nouveaux brouillons", permissions=["add"])
    def duplicate_selected(self, request, queryset):
        copies = [workflow.duplicate_as_draft(p, request.user) for p in queryset]
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:practices_practice_change", args=[c.pk]), c.title) for c in copies),
        )
        self.message_user(
            request,
            format_html("{} brouillon(s) créé(s) : {}", len(copies), links),
            messages.SUCCESS,
        )

    def get_urls(self):
        copy = self.admin_site.admin_view(self.copy_view)
        return [
            path("<path:object_id>/copie/", copy, name="practices_practice_copy"),
            *super().get_urls(),
        ]

    def copy_view(self, request, object_id):
        """« Créer une copie en brouillon » on the change page (POST only)."""
        practice = self.get_object(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if practice is None or not self.has_add_permission(request):
            raise PermissionDenied
        copy = workflow.duplicate_as_draft(practice, request.user)
        url = reverse("admin:practices_practice_change", args=[copy.pk])
        self.message_user(
            request,
            format_html(
                'Copie en brouillon créée : <a href="{}">{}</a>. La pratique d\'origine est '
                "inchangée.",
                url,
                copy.title,
            ),
            messages.SUCCESS,
        )
        return redirect(url)

    @admin.action(
        description="Mettre à la corbeille les pratiques sélectionnées", permissions=["delete"]
    )
    def trash_selected(self, request, queryset):
        queryset = self.without_open_revisions(request, queryset)
        self.delete_queryset(request, queryset)
        self.message_user(
            request,
            "Pratique(s) mise(s) à la corbeille ; filtre « Corbeille » pour les restaurer.",
            messages.SUCCESS,
        )

    @admin.action(description="Restaurer les pratiques sélectionnées", permissions=["delete"])
    def restore_selected(self, request, queryset):
        count = 0
        for practice in queryset.filter(deleted_at__isnull=False):
            workflow.restore(practice, request.user)
            count += 1
        self.message_user(request, f"{count} pratique(s) restaurée(s).", messages.SUCCESS)
