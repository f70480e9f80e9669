"""Changes to a published practice wait for review.

When someone without practices.publish_practice (an Éditeur) saves a published
practice, nothing public changes: the content they submitted (fields, lessons and
evidence level, levers, sectors, partners, key figures, distinctions) is kept as a
PracticeRevision « en relecture ». A Responsable sees the differences, then approves
(approve(): the revision becomes the published version) or sends it back with a
comment (send_back()). Status, publication date, documents and bin are never part of a
revision: they stay the Responsables' business (workflow.py).

Here: the model, the snapshots (what a revision carries) and a revision's workflow
(submit, approve, send back). How a revision is shown — its differences, its preview on
the public page, its history — is in practices/revisions_display.py; the admin side
(form, review page) in practices/revisions_admin.py.
"""

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from levers.models import Fiche, Lever

from . import workflow
from .models import Department, KeyFigure, Partner, Practice, Recognition, Sector

# What a revision carries; the order is the diff's.
FIELDS = [
    "title",
    "slug",
    "summary",
    "body",
    "success_conditions",
    "watch_points",
    "means",
    "evidence_level",
    "authority_type",
    "authority_name",
    "department",
    "levers",
    "sectors",
    "partners",
    "source_fiche",
    "start_year",
    "end_year",
    "contact_name",
    "contact_email",
    "contact_url",
]
RELATIONS = {"levers": Lever, "sectors": Sector, "partners": Partner}
FOREIGN_KEYS = {"department": Department, "source_fiche": Fiche}
# Inline rows, by the related name of their practice foreign key.
INLINES = {
    "key_figures": (KeyFigure, ["label", "value", "unit", "period", "position"]),
    "recognitions": (Recognition, ["title", "awarded_by", "year"]),
}
INLINE_LABELS = {"key_figures": "chiffres clés", "recognitions": "distinctions"}
LONG_TEXT = {"summary", "body", "success_conditions", "watch_points", "means"}


class PracticeRevisionQuerySet(models.QuerySet):
    def open(self):
        """Revisions not yet approved: « en relecture » or sent back to their author."""
        return self.filter(status__in=PracticeRevision.OPEN)

    def in_review(self):
        return self.filter(status=PracticeRevision.Status.REVIEW)

    def sent_back_to(self, user):
        return self.filter(status=PracticeRevision.Status.SENT_BACK, author=user)


class PracticeRevision(models.Model):
    class Status(models.TextChoices):
        REVIEW = "review", "En relecture"
        SENT_BACK = "sent_back", "Renvoyée à son auteur"
        APPROVED = "approved", "Approuvée et publiée"

    OPEN = [Status.REVIEW, Status.SENT_BACK]

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="revisions", verbose_name="pratique"
    )
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.REVIEW, db_index=True
    )
    data = models.JSONField("contenu proposé", encoder=DjangoJSONEncoder)
    # What `data` was written over: approving applies only what differs from it, so
    # that a Responsable's direct edit of the published practice made meanwhile stays.
    base = models.JSONField(
        "version publiée de départ",
        encoder=DjangoJSONEncoder,
        null=True,
        blank=True,
        editable=False,
        help_text="La version publiée sur laquelle la révision a été écrite : à "
        "l'approbation, seuls les champs que la révision change sont repris.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="auteur",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="relue par",
    )
    comment = models.TextField(
        "commentaire de relecture",
        blank=True,
        help_text="Ce qu'il faut reprendre avant publication ; l'auteur le voit sur sa page "
        "d'accueil de l'administration.",
    )
    created_at = models.DateTimeField("proposée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    reviewed_at = models.DateTimeField("relue le", null=True, blank=True)

    # Every submission, send-back (with its comment) and approval stays on record.
    history = HistoricalRecords()
    objects = PracticeRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = "révision de pratique"
        verbose_name_plural = "révisions de pratiques"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice"],
                condition=Q(status__in=["review", "sent_back"]),
                name="one_open_revision_per_practice",
                violation_error_message="Cette pratique a déjà une révision en cours.",
            )
        ]

    def __str__(self):
        return f"Révision de « {self.practice} » ({self.get_status_display().lower()})"


# Snapshots -----------------------------------------------------------------------


def _plain(value):
    """JSON-friendly and comparable: model instances as their pk, numbers as plain
    strings (« 12.5 » whether typed « 12,5 » or stored as 12.50)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def snapshot(practice):
    """The content of a practice as stored, in the shape of a revision's data."""
    # From the database: an admin form has already written the edit on the instance.
    practice = Practice.objects.get(pk=practice.pk)
    data = {}
    for name in FIELDS:
        if name in RELATIONS:
            data[name] = sorted(getattr(practice, name).values_list("pk", flat=True))
        elif name in FOREIGN_KEYS:
            data[name] = getattr(practice, f"{name}_id")
        else:
            data[name] = _plain(getattr(practice, name))
    for name, (model, columns) in INLINES.items():
        rows = model.objects.filter(practice=practice).values(*columns)
        data[name] = [{c: _plain(row[c]) for c in columns} for row in rows]
    return data


def _inline_rows(formset, columns):
    rows = []
    deleted = formset.deleted_forms
    for form in formset.forms:
        if form in deleted:
            continue
        # An untouched row shown from a pending revision is an « extra » form whose
        # cleaned_data Django leaves empty: its initial values are what it holds.
        values = form.cleaned_data if form.has_changed() else form.initial
        if not values or not any(values.get(c) not in (None, "") for c in columns):
            continue
        rows.append({c: _plain(values.get(c)) for c in columns})
    return rows


def snapshot_from_form(form, formsets):
    """What an admin form submitted, in the shape of a revision's data."""
    cleaned = form.cleaned_data
    data = {}
    for name in FIELDS:
        value = cleaned.get(name, getattr(form.instance, name, None))
        if name in RELATIONS:
            data[name] = sorted(item.pk for item in value)
        else:
            data[name] = _plain(value)
    for formset in formsets:
        name = formset.fk.remote_field.related_name
        if name in INLINES:
            data[name] = _inline_rows(formset, INLINES[name][1])
    for name in INLINES:
        data.setdefault(name, snapshot(form.instance)[name])
    if "key_figures" in data:
        data["key_figures"].sort(key=lambda row: int(row.get("position") or 0))
    return data


def snapshot_with(practice, **overrides):
    """An in-memory practice's fields, with the relations and inline rows given by name
    (lists of pks, lists of dicts); whatever is not given, as stored. For the import."""
    stored = snapshot(practice)
    data = {}
    for name in FIELDS:
        if name in RELATIONS:
            data[name] = sorted(overrides[name]) if name in overrides else stored[name]
        elif name in FOREIGN_KEYS:
            data[name] = getattr(practice, f"{name}_id")
        else:
            data[name] = _plain(getattr(practice, name))
    for name, (_model, columns) in INLINES.items():
        rows = overrides.get(name)
        if rows is None:
            data[name] = stored[name]
        else:
            data[name] = [{c: _plain(row.get(c)) for c in columns} for row in rows]
    return data


def _differ(a, b):
    return a != b and not (a in (None, "") and b in (None, ""))


def proposed_changes(revision):
    """The fields and inline lists the revision changes: those that differ from the
    published version it was written over. A revision kept before its base was (base
    None) changes every field it carries, as approving it always did."""
    names = [name for name in [*FIELDS, *INLINES] if name in revision.data]
    base = revision.base
    if base is None:
        return names
    return [name for name in names if name not in base or _differ(revision.data[name], base[name])]


def later_edits(revision, current):
    """The fields the revision changes that were also edited directly since it was
    written (`current`: snapshot() of the practice): approving would replace those edits."""
    if revision.base is None:
        return []
    return [
        name
        for name in proposed_changes(revision)
        if name in revision.base
        and _differ(current.get(name), revision.base[name])
        and _differ(current.get(name), revision.data[name])
    ]


def merged(revision, current=None):
    """The practice's content as approving the revision would leave it: the published
    version (`current`, read when not given) with the revision's changes. What its
    author goes on from, its preview and its approval all read."""
    current = snapshot(revision.practice) if current is None else current
    return {**current, **{name: revision.data[name] for name in proposed_changes(revision)}}


def form_initial(content):
    """Initial values for the admin form (fields and relations) from merged()."""
    return {name: content[name] for name in FIELDS if name in content}


def inline_initial(content, related_name):
    return list(content.get(related_name, []))


# Services ------------------------------------------------------------------------


def goes_to_review(user, practice):
    """Whether this user's change to this practice waits for a Responsable."""
    stored_status, _ = workflow.stored_state(practice)
    return stored_status == Practice.Status.PUBLISHED and not workflow.can_publish(user)


def edit_version(practice):
    """What an editor's form started from: the stored practice and its open revision.
    A save from a form whose version differs would undo someone else's change."""
    if practice is None or practice.pk is None:
        return ""
    # The practice as the admin read it for this request (before the form changes it).
    revised = PracticeRevision.objects.open().filter(practice_id=practice.pk)
    stamps = [practice.updated_at, *revised.values_list("updated_at", flat=True)]
    return "|".join(stamp.isoformat() for stamp in stamps)


def open_revision(practice):
    if practice is None or practice.pk is None:
        return None
    return PracticeRevision.objects.open().filter(practice=practice).first()


@transaction.atomic
def submit(practice, data, user):
    """Keep the change as the practice's pending revision (a new one or the open one).

    Returns the revision, or None when the change brings the practice back to its
    published content (an open revision is then withdrawn)."""
    revision = PracticeRevision.objects.select_for_update().open().filter(practice=practice)
    revision = revision.first()
    stored = snapshot(practice)
    if data == stored:
        if revision is not None:
            revision._change_reason = "Révision retirée : identique à la version publiée"
            revision.delete()
        return None
    if revision is None:
        revision = PracticeRevision(practice=practice)
    revision.data = data
    # The author's form showed merged(): the published version as stored now (an older
    # form is refused as stale), with their changes; it is what `data` changes.
    revision.base = stored
    revision.author = user
    revision.status = PracticeRevision.Status.REVIEW
    revision._history_user = user
    revision.save()
    return revision


def _may_review(user):
    # The one place that says who may review; the rule itself is the workflow's.
    if not workflow.can_publish(user):
        raise PermissionError(workflow.NOT_ALLOWED_TO_PUBLISH)


class NotPublished(Exception):
    """approve() refuses a revision of a practice that is no longer « publiée »."""


class LaterEdits(Exception):
    """approve() refuses to replace direct edits made since the revision was written,
    unless told to (`replacing`); `fields` names them."""

    def __init__(self, fields):
        super().__init__(fields)
        self.fields = fields


@transaction.atomic
def approve(revision, user, replacing=()):
    """The revision's changes are published; the rest of the practice stays as it is
    now. The practice's history records the author's change and the approval.

    A field the revision changes that was also edited directly since is replaced only
    when named in `replacing` (the reviewer saw both versions): LaterEdits otherwise."""
    _may_review(user)
    practice = Practice.objects.select_for_update().get(pk=revision.practice_id)
    if practice.status != Practice.Status.PUBLISHED:
        # Unpublished since the revision was written: it is edited directly now, and
        # the revision would undo those edits without publishing anything.
        raise NotPublished(practice)
    unconfirmed = [
        name for name in later_edits(revision, snapshot(practice)) if name not in replacing
    ]
    if unconfirmed:
        raise LaterEdits(unconfirmed)
    data = revision.data
    changes = set(proposed_changes(revision))
    for name in FIELDS:
        if name in RELATIONS or name not in changes:
            continue  # Unchanged, or not in a revision written before the field was.
        attname = f"{name}_id" if name in FOREIGN_KEYS else name
        setattr(practice, attname, data.get(name))
    # Relations first, without a history row each: the saves below record them whole.
    practice.skip_history_when_saving = True
    for name in RELATIONS:
        if name in changes:
            getattr(practice, name).set(data.get(name, []))
    del practice.skip_history_when_saving
    for name, (model, columns) in INLINES.items():
        if name not in changes:
            continue
        model.objects.filter(practice=practice).delete()
        for row in data.get(name, []):
            item = model(practice=practice, **{c: row.get(c) for c in columns})
            item._history_user = user
            item.save()
    # Nothing a revision carries is a publication field, so this guard finds nothing to
    # put back; it is here so that every save on someone's behalf goes through it.
    workflow.enforce_publication_rights(user, practice)
    author = revision.author
    practice._history_user = author
    practice._change_reason = f"Modification proposée par {author or 'un compte supprimé'}"[:100]
    practice.save()
    practice._history_user = user
    practice._change_reason = f"Révision approuvée par {user}"[:100]
    practice.save()
    practice.refresh_search_text()
    revision.status = PracticeRevision.Status.APPROVED
    revision.reviewer = user
    revision.reviewed_at = timezone.now()
    revision._history_user = user
    revision.save()
    return practice


@transaction.atomic
def send_back(revision, user, comment):
    """Back to its author with the reviewer's comment; the public page is unchanged."""
    _may_review(user)
    comment = (comment or "").strip()
    if not comment:
        raise ValueError("Dites à l'auteur ce qu'il faut reprendre.")
    revision.status = PracticeRevision.Status.SENT_BACK
    revision.comment = comment
    revision.reviewer = user
    revision.reviewed_at = timezone.now()
    revision._history_user = user
    revision._change_reason = "Renvoyée à son auteur"
    revision.save()
    return revision
