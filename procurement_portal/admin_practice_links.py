"""What practices point to (levers, fiches, sectors, partners) in the admin: deleting or
renaming one keeps the practices whole and their search texts in step."""

from django.urls import reverse
from django.utils.html import format_html


class UsedByPractices:
    """ModelAdmin mixin for what practices point to: levers, fiches (as their source),
    sectors, partners. Deleting one never leaves a practice or a pending revision pointing
    at nothing, nor silently short of what it needs.

    - A pending revision that proposes it blocks the deletion: once approved, it would
      point the practice at a deleted row.
    - A lever or a fiche (`kept_while_linked`) cannot be deleted while a practice, in the
      bin included, uses it: a practice needs a lever, and a fiche's practices lost their
      source without the page saying so.
    - A sector or a partner is unlinked from its practices (the page lists the links),
      whose search texts and facet ids are then rebuilt without it.

    What blocks is shown as Django's « protected » rows (locale/fr says to change them
    first), on the delete page and the list's action alike; nothing is deleted then.
    `practice_field`: the Practice field that points here ("levers", "source_fiche").
    """

    practice_field = None
    kept_while_linked = True
    # What the practices' search texts hold of it (practices.search_index): changing it
    # or its inline rows (a lever's legal bases) rebuilds them.
    indexed_fields = ("name",)
    indexed_inlines = ()

    def linked_practices(self, objs):
        from practices.models import Practice

        return Practice.objects.filter(**{f"{self.practice_field}__in": objs}).distinct()

    def refresh_practices(self, practice_ids):
        from practices.models import Practice
        from practices.search_text import refresh_search_texts

        refresh_search_texts(Practice.objects.filter(pk__in=practice_ids))

    # The change form and the history « revert » (which skips save_related) both end in
    # response_change: the practices are rebuilt there, once.

    def save_model(self, request, obj, form, change):
        if change and self.indexed_fields:
            stored = type(obj).objects.filter(pk=obj.pk).values(*self.indexed_fields).first()
            typed = {name: getattr(obj, name) for name in self.indexed_fields}
            request.practices_to_refresh = stored != typed
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(f.has_changed() for f in formsets if f.prefix in self.indexed_inlines):
            request.practices_to_refresh = True

    def response_change(self, request, obj):
        if getattr(request, "practices_to_refresh", False):
            from practices.search_index import add_words_to_vocabulary

            self.refresh_practices(self.linked_practices([obj]).values("pk"))
            # « Vouliez-vous dire » proposes the new name's words at once, too.
            add_words_to_vocabulary(*(getattr(obj, name) for name in self.indexed_fields))
        return super().response_change(request, obj)

    def get_deleted_objects(self, objs, request):
        from practices.revisions import PracticeRevision

        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        ids = {obj.pk for obj in objs}
        for revision in PracticeRevision.objects.open().select_related("practice"):
            proposed = revision.data.get(self.practice_field)
            if ids & set(proposed if isinstance(proposed, list) else [proposed]):
                url = reverse("admin:practices_practice_review", args=[revision.practice_id])
                protected.append(
                    format_html(
                        'Révision en attente de la pratique <a href="{}">{}</a>',
                        url,
                        revision.practice.title,
                    )
                )
        if self.kept_while_linked:
            for practice in self.linked_practices(objs).only("title", "status", "deleted_at"):
                state = (
                    "dans la corbeille" if practice.deleted_at else practice.get_status_display()
                )
                url = reverse("admin:practices_practice_change", args=[practice.pk])
                protected.append(
                    format_html('Pratique <a href="{}">{}</a> ({})', url, practice.title, state)
                )
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        practice_ids = list(self.linked_practices([obj]).values_list("pk", flat=True))
        super().delete_model(request, obj)
        self.refresh_practices(practice_ids)

    def delete_queryset(self, request, queryset):
        practice_ids = list(self.linked_practices(queryset).values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        self.refresh_practices(practice_ids)
