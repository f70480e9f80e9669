"""The content version: one database row that public page caches are keyed on.

Kept in the database (not in the cache) so that every app server sees a change at
once, whatever the cache backend. procurement_portal.invalidation bumps it when public
content changes; the page cache (procurement_portal.page_cache) reads it once per
anonymous request, and bumps it itself when a scheduled publication has become due.

The model belongs to the practices app (its table and migration, 0005, are there);
practices.models imports it so that Django registers it with that app.
"""

from django.apps import apps
from django.db import models
from django.db.models import F
from django.utils import timezone


class ContentVersionQuerySet(models.QuerySet):
    ROW = 1

    def next_due(self, now):
        """When the next scheduled publication becomes visible, if any."""
        practice = apps.get_model("practices", "Practice")
        return (
            practice.objects.filter(
                status=practice.Status.PUBLISHED, deleted_at__isnull=True, published_at__gt=now
            )
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def bump(self):
        """Make every cached public page stale, now.

        Writes to public content call invalidation.content_changed() instead, which
        bumps once per transaction, after it commits.
        """
        now = timezone.now()
        values = {"next_due": self.next_due(now), "changed_at": now}
        if not self.filter(pk=self.ROW).update(version=F("version") + 1, **values):
            self.get_or_create(pk=self.ROW, defaults=values)

    def current(self):
        """(version, next due publication); bumped first when a scheduled one became due."""
        row = self.filter(pk=self.ROW).values_list("version", "next_due").first()
        if row is None or (row[1] is not None and row[1] <= timezone.now()):
            self.bump()
            row = self.filter(pk=self.ROW).values_list("version", "next_due").first()
        return row


class ContentVersion(models.Model):
    version = models.PositiveBigIntegerField("version", default=1)
    next_due = models.DateTimeField("prochaine publication programmée", null=True, blank=True)
    changed_at = models.DateTimeField("dernière modification", default=timezone.now)

    objects = ContentVersionQuerySet.as_manager()

    class Meta:
        app_label = "practices"
        verbose_name = "version du contenu"
        verbose_name_plural = "versions du contenu"

    def __str__(self):
        return f"Version {self.version}"
