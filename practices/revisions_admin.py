"""The admin side of pending revisions (practices/revisions.py): an Éditeur's save of a
published practice becomes a revision; a Responsable reviews it on its own page (its
differences come from practices/revisions_display.py)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from procurement_portal.admin import ReadOnlyAdmin, converts

from . import revisions, revisions_display, workflow
from .revisions import PracticeRevision


class ReviewedChanges:
    """PracticeAdmin mixin. The request carries `practice_revision` (the open revision
    an Éditeur is editing) and `goes_to_review` for the duration of a change view."""

    # Editing ----------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        practice = self.get_object(request, object_id)
        # « Enregistrer comme nouveau brouillon » sent back with an error shows the new
        # draft, which has no revision (nor an id to link its review to).
        revision = None if "_saveasnew" in request.POST else revisions.open_revision(practice)
        request.goes_to_review = (
            practice is not None
            and "_saveasnew" not in request.POST
            and revisions.goes_to_review(request.user, practice)
        )
        # An Éditeur goes on from their pending revision, not from the published text:
        # the published version as it is now, with the revision's changes.
        request.practice_revision = revision if request.goes_to_review else None
        if request.practice_revision is not None:
            request.revision_content = revisions.merged(revision)
        extra_context = {
            **(extra_context or {}),
            "open_revision": revision,
            "edits_revision": request.practice_revision is not None,
            "goes_to_review": request.goes_to_review,
            "can_review": workflow.can_publish(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "practice_revision", None) is None:
            return form
        initial = revisions.form_initial(request.revision_content)

        class RevisionForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
                super().__init__(*args, **kwargs)

        return RevisionForm

    def get_formsets_with_inlines(self, request, obj=None):
        revision = getattr(request, "practice_revision", None)
        for inline in self.get_inline_instances(request, obj):
            name = inline.model._meta.get_field("practice").remote_field.related_name
            if revision is not None and name in revisions.INLINES:
                rows = revisions.inline_initial(request.revision_content, name)
                yield inline.get_formset(request, obj, extra=len(rows)), inline
            else:
                yield inline.get_formset(request, obj), inline

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        revision = getattr(request, "practice_revision", None)
        name = inline.model._meta.get_field("practice").remote_field.related_name
        if revision is not None and name in revisions.INLINES:
            # The revision's rows, not the published ones, as new rows to submit again.
            kwargs["queryset"] = inline.model.objects.none()
            kwargs["initial"] = revisions.inline_initial(request.revision_content, name)
        return kwargs

    # Saving -----------------------------------------------------------------------

    def keeps_as_revision(self, request, obj, form, change):
        """Whether this save is kept as a pending revision instead (PracticeAdmin.save_model
        asks first); the form's submission is then stored by save_related."""
        if change and getattr(request, "goes_to_review", False):
            return True  # Nothing public changes: save_related keeps it as a revision.
        reverting = getattr(request, "history_version_id", None) is not None
        if change and reverting and revisions.goes_to_review(request.user, obj):
            # The history « revert » form saves relations itself (form.save_m2m) and
            # has no inlines: the old version becomes a revision, like any other edit.
            data = revisions.snapshot_from_form(form, [])
            request.submitted_revision = revisions.submit(obj, data, request.user)
            request.revision_submitted = True
            form.save_m2m = lambda: None
            return True
        return False

    def save_related(self, request, form, formsets, change):
        if change and getattr(request, "goes_to_review", False):
            data = revisions.snapshot_from_form(form, formsets)
            request.submitted_revision = revisions.submit(form.instance, data, request.user)
            request.revision_submitted = True
            return
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "revision_submitted", False):
            # The inline formsets saved nothing, so Django cannot describe them.
            return "Modifications envoyées en relecture (pas encore publiées)."
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        if not getattr(request, "revision_submitted", False):
            return super().response_change(request, obj)
        if request.submitted_revision is None:
            self.message_user(
                request,
                "Aucune différence avec la version publiée : rien n'est envoyé en relecture.",
                messages.INFO,
            )
        else:
            self.message_user(
                request,
                f"Vos modifications de « {obj} » sont en relecture : la page publique "
                "montre la version publiée tant qu'un responsable éditorial ne les a pas "
                "approuvées.",
                messages.SUCCESS,
            )
        if "_continue" in request.POST:
            return redirect(reverse("admin:practices_practice_change", args=[obj.pk]))
        return self.response_post_save_change(request, obj)

    # Deleting ---------------------------------------------------------------------

    def delete_view(self, request, object_id, extra_context=None):
        practice = self.get_object(request, object_id)
        if revisions.open_revision(practice) is not None:
            self.message_user(request, REFUSED_DELETION.format(practice), messages.ERROR)
            return redirect(reverse("admin:practices_practice_change", args=[practice.pk]))
        return super().delete_view(request, object_id, extra_context)

    def without_open_revisions(self, request, queryset):
        """The queryset minus practices with a pending revision, each refused aloud."""
        kept = queryset.exclude(revisions__status__in=PracticeRevision.OPEN)
        for practice in queryset.filter(revisions__status__in=PracticeRevision.OPEN):
            self.message_user(request, REFUSED_DELETION.format(practice), messages.ERROR)
        return kept

    def history_view(self, request, object_id, extra_context=None):
        readable_id = converts(self.model._meta.pk, object_id)  # else FrenchHistoryAdmin's 404
        events = revisions_display.review_events(object_id) if readable_id else []
        extra_context = {**(extra_context or {}), "review_events": events}
        return super().history_view(request, object_id, extra_context)

    # Reviewing --------------------------------------------------------------------

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        return [
            path("<path:object_id>/relecture/", review, name="practices_practice_review"),
            *super().get_urls(),
        ]

    def review_view(self, request, object_id):
        practice = self.get_object(request, object_id)  # None for a mistyped id, too
        if practice is None:
            raise Http404
        if not self.has_view_or_change_permission(request, practice):
            raise PermissionDenied
        revision = revisions.open_revision(practice)
        change_url = reverse("admin:practices_practice_change", args=[practice.pk])
        if revision is None:
            self.message_user(request, "Cette pratique n'a pas de révision en cours.")
            return redirect(change_url)
        can_review = workflow.can_publish(request.user)
        comment_error = ""
        if request.method == "POST":
            if not can_review:
                raise PermissionDenied
            if "_approve" in request.POST:
                try:
                    revisions.approve(revision, request.user, request.POST.getlist("replace"))
                except revisions.LaterEdits as refused:
                    labels = ", ".join(f"« {revisions_display.label(n)} »" for n in refused.fields)
                    verb = "ont été modifiés" if len(refused.fields) > 1 else "a été modifié"
                    self.message_user(
                        request, LATER_EDITS.format(f"{labels} {verb}"), messages.ERROR
                    )
                    return redirect(request.path)
                except IntegrityError:
                    # Another practice took the revision's address since it was written.
                    self.message_user(request, SLUG_TAKEN, messages.ERROR)
                    return redirect(request.path)
                except revisions.NotPublished:
                    status = practice.get_status_display()
                    self.message_user(
                        request, NOT_PUBLISHED.format(practice, status), messages.ERROR
                    )
                    return redirect(request.path)
                self.message_user(
                    request,
                    f"Révision approuvée : « {practice} » est publiée dans sa nouvelle version.",
                    messages.SUCCESS,
                )
                return redirect(change_url)
            if "_send_back" in request.POST:
                try:
                    revisions.send_back(revision, request.user, request.POST.get("comment"))
                except ValueError as error:
                    comment_error = str(error)
                else:
                    self.message_user(
                        request,
                        f"Révision renvoyée à {revision.author or 'son auteur'} avec votre "
                        "commentaire ; la page publique est inchangée.",
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:practices_practice_changelist"))
        changes = revisions_display.diff(revision)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Relecture des modifications de « {practice} »",
            "subtitle": None,
            "practice": practice,
            "revision": revision,
            "changes": changes,
            "edited_since": [change for change in changes if change["edited_since"]],
            "can_review": can_review,
            "comment_error": comment_error,
            "comment": request.POST.get("comment", ""),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/practices/practice/review.html", context)


SLUG_TAKEN = (
    "La révision n'a pas été publiée : son identifiant d'adresse est désormais pris par une "
    "autre pratique. Renvoyez-la à son auteur pour qu'il en choisisse un autre."
)
LATER_EDITS = (
    "La révision n'a pas été approuvée : {} directement depuis son envoi. "
    "Comparez les versions ci-dessous, puis cochez ce que la révision doit remplacer, "
    "ou renvoyez-la à son auteur."
)
NOT_PUBLISHED = (
    "La révision n'a pas été approuvée : « {} » n'est plus publiée (statut « {} ») et a pu "
    "être modifiée directement depuis. Renvoyez la révision à son auteur, ou republiez "
    "d'abord la pratique."
)
REFUSED_DELETION = (
    "« {} » a une révision en relecture : elle ne peut pas être mise à la corbeille. "
    "Approuvez ou renvoyez d'abord la révision."
)


@admin.register(PracticeRevision)
class PracticeRevisionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Where revisions are found; they are made by editing a practice and decided on its
    review page, so this list is read-only."""

    list_display = ["practice", "status", "author", "updated_at", "reviewer", "review_link"]
    list_filter = ["status"]
    search_fields = ["practice__title", "author__username", "comment"]
    list_select_related = ["practice", "author", "reviewer"]
    readonly_fields = [
        "practice",
        "status",
        "author",
        "created_at",
        "updated_at",
        "reviewer",
        "reviewed_at",
        "comment",
        "review_link",
    ]
    exclude = ["data"]

    @admin.display(description="relecture")
    def review_link(self, obj):
        if obj.status not in PracticeRevision.OPEN:
            return "—"
        url = reverse("admin:practices_practice_review", args=[obj.practice_id])
        return format_html('<a href="{}">Voir les différences</a>', url)
