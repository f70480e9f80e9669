"""What waits for whom, on the admin home: the Responsables' queue (proposals, practices
and revisions in review, scheduled publications) and each person's own work (their
drafts, what was sent back to them). The list filters its links open are here too."""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from . import workflow
from .models import Practice
from .revisions import PracticeRevision

Status = Practice.Status


def _practices_url(**params):
    return f"{reverse('admin:practices_practice_changelist')}?{urlencode(params)}"


def _created_by(user):
    """Ids of the practices this user created (their history's « + » row)."""
    return Practice.history.filter(history_type="+", history_user=user).values("id")


def scheduled(queryset, now=None):
    return queryset.filter(status=Status.PUBLISHED, published_at__gt=now or timezone.now())


def queue_for(user):
    """{"to_process": [...], "own": [...], "sent_back": [...]}: items with a label, a
    count and the filtered list they link to."""
    practices = Practice.objects.not_deleted()
    own = [
        {
            "label": "Mes brouillons",
            "count": practices.filter(status=Status.DRAFT, pk__in=_created_by(user)).count(),
            "url": _practices_url(status__exact=Status.DRAFT, auteur="moi"),
        },
        {
            "label": "Mes révisions en relecture",
            "count": PracticeRevision.objects.in_review().filter(author=user).count(),
            "url": reverse("admin:practices_practicerevision_changelist")
            + "?"
            + urlencode({"status__exact": PracticeRevision.Status.REVIEW}),
        },
    ]
    sent_back = [
        {
            "practice": revision.practice,
            "comment": revision.comment,
            "reviewer": revision.reviewer,
            "url": reverse("admin:practices_practice_change", args=[revision.practice_id]),
        }
        for revision in PracticeRevision.objects.sent_back_to(user).select_related(
            "practice", "reviewer"
        )
    ]
    to_process = []
    if workflow.can_publish(user):
        to_process = [
            {
                "label": "Propositions à traiter",
                "count": practices.filter(status=Status.PROPOSED).count(),
                "url": _practices_url(status__exact=Status.PROPOSED),
            },
            {
                "label": "Pratiques en relecture",
                "count": practices.filter(status=Status.REVIEW).count(),
                "url": _practices_url(status__exact=Status.REVIEW),
            },
            {
                "label": "Révisions de pratiques publiées en relecture",
                "count": PracticeRevision.objects.in_review().count(),
                "url": reverse("admin:practices_practicerevision_changelist")
                + "?"
                + urlencode({"status__exact": PracticeRevision.Status.REVIEW}),
            },
            {
                "label": "Publications programmées",
                "count": scheduled(practices).count(),
                "url": _practices_url(publication="programmee"),
            },
        ]
    return {"to_process": to_process, "own": own, "sent_back": sent_back}


class AuthorFilter(admin.SimpleListFilter):
    title = "auteur"
    parameter_name = "auteur"

    def lookups(self, request, model_admin):
        return [("moi", "Créées par moi")]

    def queryset(self, request, queryset):
        if self.value() == "moi":
            return queryset.filter(pk__in=_created_by(request.user))
        return queryset


class ScheduledFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("programmee", "Programmée (date future)")]

    def queryset(self, request, queryset):
        if self.value() == "programmee":
            return scheduled(queryset)
        return queryset
