"""The editorial workflow of practices, shared by the admin forms, actions and import.

proposed → draft → review → published → archived. Publishing, unpublishing and
setting a publication date need the permission practices.publish_practice
(group « Responsables éditoriaux »); the check is made here, on the server,
whatever the form or action that asks for it. The first-publication date rule is
Practice.publication_date() (practices.models.practice).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import search_text
from .models import KeyFigure, Practice, unique_practice_slug
from .models.practice import FIRST_YEAR, LAST_YEAR

PUBLISH_PERMISSION = "practices.publish_practice"
BIN_PERMISSION = "practices.delete_practice"
Status = Practice.Status

# Where each status may go next; staying put is always allowed.
TRANSITIONS = {
    Status.PROPOSED: {Status.DRAFT, Status.ARCHIVED},
    Status.DRAFT: {Status.REVIEW, Status.PUBLISHED, Status.ARCHIVED},
    Status.REVIEW: {Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED},
    Status.PUBLISHED: {Status.ARCHIVED},
    Status.ARCHIVED: {Status.DRAFT, Status.REVIEW, Status.PUBLISHED},
}

NOT_ALLOWED_TO_PUBLISH = (
    "Vous ne pouvez pas publier ni dépublier une pratique : c'est le rôle des "
    "responsables éditoriaux. Choisissez « En relecture » pour leur demander de la publier ; "
    "vos autres modifications seront alors enregistrées."
)
NOT_ALLOWED_TO_DATE = (
    "Seuls les responsables éditoriaux peuvent fixer ou modifier la date de publication."
)


def can_publish(user):
    return bool(user and user.has_perm(PUBLISH_PERMISSION))


def can_use_bin(user):
    return bool(user and user.has_perm(BIN_PERMISSION))


def status_label(status):
    return Status(status).label if status in Status.values else status


def check_transition(user, old_status, new_status):
    """Raise ValidationError (French, for the status field) if the change is refused."""
    old_status = old_status or Status.DRAFT
    if new_status == old_status:
        return
    if Status.PUBLISHED in (old_status, new_status) and not can_publish(user):
        raise ValidationError(NOT_ALLOWED_TO_PUBLISH, code="publish_permission")
    if new_status not in TRANSITIONS.get(old_status, set()):
        raise ValidationError(
            "Une pratique « %(old)s » ne peut pas passer directement à « %(new)s ».",
            code="bad_transition",
            params={"old": status_label(old_status), "new": status_label(new_status)},
        )


def _same_second(a, b):
    if a is None or b is None:
        return a is b
    return a.replace(microsecond=0) == b.replace(microsecond=0)


def check_publication_date(user, old_date, new_date):
    # Spreadsheets keep whole seconds: an exported date comes back without microseconds.
    if _same_second(old_date, new_date):
        return
    if not can_publish(user):
        raise ValidationError(NOT_ALLOWED_TO_DATE, code="publish_permission")
    # « 05/12/0026 » for 2026 published at once, dated 26 AD (and year 1 could not be
    # stored in UTC): a year out of the practices' range is a typing slip.
    if new_date is not None and not FIRST_YEAR <= new_date.year <= LAST_YEAR:
        raise ValidationError(
            f"L'année de publication doit être entre {FIRST_YEAR} et {LAST_YEAR} : "
            "vérifiez la date (l'année en quatre chiffres, ex. 2026).",
            code="implausible_date",
        )


def stored_state(practice):
    """(status, published_at) as saved, whatever the in-memory instance says.

    The history « revert » form edits an old version, so its instance cannot be
    trusted to tell what is currently public.
    """
    if practice.pk is None:
        return None, None
    row = Practice.objects.filter(pk=practice.pk).values_list("status", "published_at").first()
    return row or (None, None)


def publication_news(practice, old_status, old_date):
    """What a save did to the practice's public page, in French, or None if nothing:
    a date in the past puts it online at once, a future one schedules it."""
    from procurement_portal.admin_history import french_datetime

    if practice.status != Status.PUBLISHED or practice.deleted_at is not None:
        return None
    if old_status == Status.PUBLISHED and _same_second(old_date, practice.published_at):
        return None
    when = french_datetime(practice.published_at)
    if practice.published_at > timezone.now():
        return f"« {practice} » est programmée : elle apparaîtra sur le site le {when}."
    return (
        f"« {practice} » est en ligne dès maintenant, avec la date de publication du {when} "
        "(une date passée publie aussitôt)."
    )


PUBLICATION_FIELDS = ("status", "published_at", "deleted_at")


def enforce_publication_rights(user, practice, *, bin_change=False):
    """THE rule for who may change a practice's status, published_at and deleted_at.

    Call it on every practice about to be saved on someone's behalf, whatever the path:
    the admin form and its history « revert » (PracticeAdmin.save_model), the spreadsheet
    import (PracticeResource.before_save_instance), « Dupliquer », the list actions and
    the bin (_save below), and any new path (the review of revisions). The form and
    import checks (check_transition, check_publication_date) explain a refusal to the
    editor first; this guard is what holds whatever the path, because an in-memory
    instance (an old version from the history, a spreadsheet row) cannot be trusted.

    It compares `practice` with its stored row and puts back on `practice`, from that
    row, each of these fields `user` may not change:

    - status: without practices.publish_practice, a practice neither enters nor leaves
      « publiée » (which other transitions exist is check_transition's business);
    - published_at: changed only with practices.publish_practice;
    - deleted_at: changed only through the bin (soft_delete, restore: bin_change=True),
      with practices.delete_practice. No other save changes it, whoever asks: reverting
      to a version from before the bin does not take a practice out of it.

    A new practice (no stored row) is never in the bin, and without the permission it is
    neither « publiée » nor dated. Returns the names of the fields put back (empty when
    nothing was refused), so that the caller can tell the user.
    """
    if practice.pk is not None:
        stored = Practice.objects.filter(pk=practice.pk).values(*PUBLICATION_FIELDS).first()
    else:
        stored = None
    if stored is None:
        stored = {"status": Status.DRAFT, "published_at": None, "deleted_at": None}
    put_back = []

    def keep(field):
        if getattr(practice, field) != stored[field]:
            setattr(practice, field, stored[field])
            put_back.append(field)

    if not can_publish(user):
        if Status.PUBLISHED in (stored["status"], practice.status):
            keep("status")
        if not _same_second(stored["published_at"], practice.published_at):
            keep("published_at")
    if not (bin_change and can_use_bin(user)):
        keep("deleted_at")
    return put_back


def _save(practice, user, fields, *, bin_change=False):
    put_back = enforce_publication_rights(user, practice, bin_change=bin_change)
    if put_back:
        raise PermissionError(f"Not allowed to change {', '.join(put_back)}.")
    practice._history_user = user
    practice.save(update_fields=[*fields, "updated_at", *search_text.FIELDS])


# Publishable statuses, so that the actions below select in SQL what they may change.
PUBLISHABLE = [status for status, targets in TRANSITIONS.items() if Status.PUBLISHED in targets]


def publish(practices, user, when=None):
    """Publish each practice of the queryset that may be; return how many were published."""
    if not can_publish(user):
        raise PermissionError(NOT_ALLOWED_TO_PUBLISH)
    count = 0
    for practice in practices.filter(deleted_at__isnull=True, status__in=PUBLISHABLE):
        practice.publish(when=when)
        _save(practice, user, ["status", "published_at"])
        count += 1
    return count


def unpublish(practices, user):
    if not can_publish(user):
        raise PermissionError(NOT_ALLOWED_TO_PUBLISH)
    count = 0
    for practice in practices.filter(status=Status.PUBLISHED):
        practice.unpublish()
        _save(practice, user, ["status"])
        count += 1
    return count


def accept_proposals(practices, user):
    """Turn proposed practices (public contributions) into drafts editors can work on."""
    count = 0
    for practice in practices.filter(status=Status.PROPOSED):
        practice.status = Status.DRAFT
        _save(practice, user, ["status"])
        count += 1
    return count


def soft_delete(practice, user):
    """Hide a practice everywhere while keeping it, its relations and its history."""
    if practice.deleted_at is None:
        practice.deleted_at = timezone.now()
        _save(practice, user, ["deleted_at"], bin_change=True)


def restore(practice, user):
    if practice.deleted_at is not None:
        practice.deleted_at = None
        _save(practice, user, ["deleted_at"], bin_change=True)


def fresh_slug(title):
    """A new practice's slug from its title and the year: « modele-2026 », then
    « modele-2026-2 »…, rather than « -copie » suffixes piling up on copies of copies."""
    return unique_practice_slug(f"{title} {timezone.localdate().year}")


@transaction.atomic
def duplicate_as_draft(practice, user=None):
    """A new draft with the same content, relations and key figures; never published."""
    original = Practice.objects.get(pk=practice.pk)
    copy = Practice.objects.get(pk=practice.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.slug = fresh_slug(original.title)
    copy.title = f"{original.title} (copie)"[:200]
    copy.status = Status.DRAFT
    copy.published_at = None
    copy.deleted_at = None
    enforce_publication_rights(user, copy)
    copy._history_user = user
    copy.save()
    copy.levers.set(original.levers.all())
    copy.sectors.set(original.sectors.all())
    copy.partners.set(original.partners.all())
    for figure in original.key_figures.all():
        # One by one, so that each new figure has its own history record.
        KeyFigure.objects.create(
            practice=copy,
            label=figure.label,
            value=figure.value,
            unit=figure.unit,
            period=figure.period,
            position=figure.position,
        )
    copy.refresh_search_text()
    return copy
