"""Changes to a published practice wait for review.

When someone without practices.publish_practice (an Éditeur) saves a published
practice, nothing public changes: the content they submitted (fields, levers,
sectors, partners, key figures, distinctions) is kept as a PracticeRevision
« en relecture ». A Responsable sees the differences (diff()), then approves
(approve(): the revision becomes the published version) or sends it back with a
comment (send_back()). Status, publication date and bin are never part of a
revision: they stay the Responsables' business (workflow.py).

The admin side (form, review page) is in practices/revisions_admin.py.
"""

import difflib
import re
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.models import HistoricalRecords

from levers.models import Fiche, LegalBasis, Lever

from . import workflow
from .models import Department, KeyFigure, Partner, Practice, Recognition, Sector
from .numbers import format_french_decimal

# What a revision carries; the order is the diff's.
FIELDS = [
    "title",
    "slug",
    "summary",
    "body",
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
LONG_TEXT = {"summary", "body"}


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
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
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


def form_initial(revision):
    """Initial values for the admin form (fields and relations) from a revision."""
    return {name: revision.data.get(name) for name in FIELDS}


def inline_initial(revision, related_name):
    return list(revision.data.get(related_name, []))


# Services ------------------------------------------------------------------------


def goes_to_review(user, practice):
    """Whether this user's change to this practice waits for a Responsable."""
    stored_status, _ = workflow.stored_state(practice)
    return stored_status == Practice.Status.PUBLISHED and not workflow.can_publish(user)


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
    if data == snapshot(practice):
        if revision is not None:
            revision._change_reason = "Révision retirée : identique à la version publiée"
            revision.delete()
        return None
    if revision is None:
        revision = PracticeRevision(practice=practice)
    revision.data = data
    revision.author = user
    revision.status = PracticeRevision.Status.REVIEW
    revision._history_user = user
    revision.save()
    return revision


def _may_review(user):
    # The one place that says who may review; the rule itself is the workflow's.
    if not workflow.can_publish(user):
        raise PermissionError(workflow.NOT_ALLOWED_TO_PUBLISH)


@transaction.atomic
def approve(revision, user):
    """The revision becomes the published version; the practice's history records the
    author's change and the approval."""
    _may_review(user)
    practice = Practice.objects.select_for_update().get(pk=revision.practice_id)
    data = revision.data
    for name in FIELDS:
        if name in RELATIONS:
            continue
        attname = f"{name}_id" if name in FOREIGN_KEYS else name
        setattr(practice, attname, data.get(name))
    # Relations first, without a history row each: the saves below record them whole.
    practice.skip_history_when_saving = True
    for name in RELATIONS:
        getattr(practice, name).set(data.get(name, []))
    del practice.skip_history_when_saving
    for name, (model, columns) in INLINES.items():
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


def show_in_preview(practice, revision):
    """Put the revision's content on `practice` in memory, for the staff preview of its
    public page: fields, and its relations and inline rows as `practice.<name>.all()`.

    Django has no public API to show unsaved relations through a related manager; this
    fills the prefetch cache the way prefetch_related_objects does (one place, here)."""
    data = revision.data
    for name in FIELDS:
        if name in RELATIONS:
            continue
        if name in FOREIGN_KEYS:
            if getattr(practice, f"{name}_id") != data.get(name):
                related = FOREIGN_KEYS[name].objects.filter(pk=data.get(name)).first()
                setattr(practice, name, related)
        else:
            setattr(practice, name, data.get(name))
    related = {
        name: list(model.objects.filter(pk__in=data.get(name, [])))
        for name, model in RELATIONS.items()
    }
    prefetch_related_objects(
        related["levers"],
        Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("position")),
    )
    for name, (model, columns) in INLINES.items():
        related[name] = [
            model(practice=practice, **{c: row.get(c) for c in columns})
            for row in data.get(name, [])
        ]
    for figure in related["key_figures"]:
        figure.value = Decimal(figure.value)
    cache = practice.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in related.items():
        queryset = getattr(practice, name).none()
        queryset._result_cache = objects
        queryset._prefetch_done = True
        cache[name] = queryset


def review_events(practice_id):
    """Each submission, send-back (with its comment), approval or withdrawal of the
    practice's revisions, newest first, for its history page."""
    from procurement_portal.admin_history import french_datetime

    Status = PracticeRevision.Status
    records = PracticeRevision.history.filter(practice_id=practice_id).select_related(
        "history_user"
    )
    events = []
    for record in records.order_by("-history_date", "-history_id"):
        if record.history_type == "-":
            label = "Révision retirée"
        elif record.status == Status.SENT_BACK:
            label = "Renvoyée à son auteur"
        elif record.status == Status.APPROVED:
            label = "Approuvée et publiée"
        elif record.history_type == "+":
            label = "Envoyée en relecture"
        else:
            label = "Révision mise à jour, en relecture"
        events.append(
            {
                "date": french_datetime(record.history_date),
                "label": label,
                "user": record.history_user,
                "comment": record.comment if record.status == Status.SENT_BACK else "",
            }
        )
    return events


# Differences ---------------------------------------------------------------------

_WORDS = re.compile(r"\s+|[^\s]+")


def _word_diff(old, new):
    """Changed words marked <del>/<ins>, everything escaped."""
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(format_html("{}", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
    return format_html_join("", "{}", ((p,) for p in parts))


def _names(model, pks):
    by_pk = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=pks or [])}
    return [by_pk.get(pk, f"n°{pk}") for pk in pks or []]


def _figure_line(row):
    text = f"{row.get('label')} : {format_french_decimal(row.get('value'))}"
    if row.get("unit"):
        text += f" {row['unit']}"
    if row.get("period"):
        text += f" ({row['period']})"
    return text


def _recognition_line(row):
    parts = [row.get("title"), row.get("awarded_by"), row.get("year")]
    return ", ".join(str(p) for p in parts if p not in (None, ""))


def _readable(name, value):
    """A field's value as an editor reads it (labels, names, French numbers)."""
    if name in RELATIONS:
        return "\n".join(_names(RELATIONS[name], value)) or "—"
    if name in FOREIGN_KEYS:
        return (_names(FOREIGN_KEYS[name], [value]) or ["—"])[0] if value else "—"
    if name == "key_figures":
        return "\n".join(_figure_line(row) for row in value) or "—"
    if name == "recognitions":
        return "\n".join(_recognition_line(row) for row in value) or "—"
    field = Practice._meta.get_field(name)
    if field.choices:
        return dict(field.flatchoices).get(value, value) or "—"
    return "—" if value in (None, "") else str(value)


def diff(revision):
    """Each changed field: its label, the published value, the proposed one, and for
    long texts the words changed."""
    current = snapshot(revision.practice)
    changes = []
    for name in [*FIELDS, *INLINES]:
        old, new = current.get(name), revision.data.get(name)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        if name in INLINES:
            label = INLINE_LABELS[name]
        else:
            label = str(Practice._meta.get_field(name).verbose_name)
        change = {
            "name": name,
            "label": label[:1].upper() + label[1:],
            "old": _readable(name, old),
            "new": _readable(name, new),
        }
        if name in LONG_TEXT:
            change["words"] = _word_diff(old, new)
        changes.append(change)
    return changes
