"""When public content changes, cached public pages become stale: the whole rule.

Anonymous pages are cached under the content version (procurement_portal.content_version,
read by procurement_portal.page_cache). This module bumps it whenever a write may change
what a public page shows, once per transaction, after the transaction commits
(transaction.on_commit; at once outside a transaction): one admin save of a practice,
its levers, inlines and search text included, is one bump.

Public content is PUBLIC_MODELS and the many-to-many relations in PUBLIC_RELATIONS.
Covered, wherever the write comes from (admin, management commands, a shell):

- save() and delete() of a row, cascades and loaddata (restore_content) included
  (post_save and post_delete receivers);
- QuerySet.update(), bulk_create() and bulk_update() (PublicContentQuerySet, which every
  public model's manager uses; bulk_update runs update()); QuerySet.delete() sends
  post_delete for each row;
- add(), remove(), set() and clear() on the relations, from either side (m2m_changed).

A practice never published (a proposal, a new draft) is on no public page: creating it,
changing its relations, key figures or distinctions leaves cached pages valid.

Not covered: raw SQL and writes straight to the link tables
(`Practice.levers.through.objects…`): code that writes that way calls content_changed()
itself (see generate_practices).

The receivers are connected by connect_receivers(), from PracticesConfig.ready(), the
app that holds the last of the public models; nowhere else.
"""

import threading

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .content_version import ContentVersion

PUBLIC_MODELS = (
    "levers.Lever",
    "levers.LegalBasis",
    "levers.Kit",
    "levers.Fiche",
    "levers.Resource",
    "practices.Region",
    "practices.Department",
    "practices.Sector",
    "practices.Partner",
    "practices.Practice",
    "practices.KeyFigure",
    "practices.Recognition",
    # Search results change with them (practices.search).
    "practices.Synonym",
    "practices.Document",
    "practices.LegalText",
)
# Public pages show these only with their practice, and a practice only once published.
PRACTICE = "practices.Practice"
SHOWN_WITH_THEIR_PRACTICE = ("practices.KeyFigure", "practices.Recognition", "practices.Document")
PUBLIC_RELATIONS = (
    ("practices.Practice", "levers"),
    ("practices.Practice", "sectors"),
    ("practices.Practice", "partners"),
    ("levers.Fiche", "levers"),
)

# One pending bump per database connection (thread); see content_changed().
_pending = threading.local()


class _Bump:
    done = False

    def __call__(self):
        if not self.done:
            self.done = True
            ContentVersion.objects.bump()


def content_changed():
    """Public content changed: bump the content version when the transaction commits.

    Every write registers a callback, all sharing one token until a commit runs it:
    the first to run bumps, the others see it done. A rolled-back transaction drops its
    callbacks and leaves the token pending for the next one, so no bump is lost.
    """
    token = getattr(_pending, "token", None)
    if token is None or token.done:
        token = _pending.token = _Bump()
    transaction.on_commit(token)


# What a write may change -----------------------------------------------------------


def _practice_of(instance):
    """The practice a row belongs to, for the rows public pages only show with it."""
    label = instance._meta.label
    if label == PRACTICE:
        return instance
    if label in SHOWN_WITH_THEIR_PRACTICE:
        try:
            return instance.practice
        except ObjectDoesNotExist:  # deleted in the same cascade
            return None
    return None


def may_be_shown(instance):
    """Whether a cached public page may show this row: a practice once published, even if
    archived or rescheduled since, and its key figures and distinctions; every other
    public row."""
    practice = _practice_of(instance)
    return practice is None or practice.published_at is not None


def _rows_may_be_shown(queryset, values=None):
    """Whether a queryset write (update, bulk_update) may change a public page: checked
    before the write, so that a row the write takes off the site counts."""
    model = queryset.model
    if model._meta.label == PRACTICE:
        if values and values.get("published_at") is not None:
            return True
        return queryset.filter(published_at__isnull=False).exists()
    if model._meta.label in SHOWN_WITH_THEIR_PRACTICE:
        return queryset.filter(practice__published_at__isnull=False).exists()
    return True


def _new_rows_may_be_shown(model, objs):
    if model._meta.label == PRACTICE:
        return any(obj.published_at is not None for obj in objs)
    if model._meta.label in SHOWN_WITH_THEIR_PRACTICE:
        practice = apps.get_model(PRACTICE)
        ids = {obj.practice_id for obj in objs}
        return practice.objects.filter(pk__in=ids, published_at__isnull=False).exists()
    return True


class PublicContentQuerySet(models.QuerySet):
    """The queryset of every public model: bulk writes send no save/delete signal."""

    def update(self, **kwargs):
        shown = _rows_may_be_shown(self, kwargs)
        count = super().update(**kwargs)
        if count and shown:
            content_changed()
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        if objs and _new_rows_may_be_shown(self.model, objs):
            content_changed()
        return objs

    bulk_create.alters_data = True

    # delete() sends post_delete for each row; bulk_update() runs update().


class PublicContentManager(models.Manager.from_queryset(PublicContentQuerySet)):
    pass


# Receivers ---------------------------------------------------------------------------


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:  # loaddata: related rows may not be loaded yet
        content_changed()
        return
    # Editing a practice may take it off the site (unpublished, date cleared): only a new
    # practice is known to be on no page before the write.
    if may_be_shown(instance) or (not created and _practice_of(instance) is instance):
        content_changed()


def _deleted(sender, instance, **kwargs):
    # Without looking the practice of each deleted key figure up: a cascade would load
    # them one by one.
    content_changed()


def _relations_changed(sender, instance, action, **kwargs):
    # Django's only hook for add(), remove(), set() and clear(), which bypass save().
    if action in ("post_add", "post_remove", "post_clear") and may_be_shown(instance):
        content_changed()


def connect_receivers():
    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        if not isinstance(model._default_manager.all(), PublicContentQuerySet):
            raise ImproperlyConfigured(
                f"{label} is public content: its manager must use PublicContentQuerySet."
            )
        post_save.connect(_saved, sender=model, dispatch_uid=f"invalidation-save-{label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"invalidation-delete-{label}")
    for label, field in PUBLIC_RELATIONS:
        through = getattr(apps.get_model(label), field).through
        m2m_changed.connect(
            _relations_changed, sender=through, dispatch_uid=f"invalidation-m2m-{label}.{field}"
        )
