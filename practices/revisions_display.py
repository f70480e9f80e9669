"""How a pending revision (practices/revisions.py) is shown to the editorial team: what
it changes (diff(), on its review page), the public page as it would read
(preview(), at the practice's address with ?revision=1) and its story on the
practice's history page (review_events()).

The practice page reads the lists it shows (levers, sectors, partners, key figures,
distinctions) from a PracticeRelations, not from the practice's related managers: the
stored ones for visitors, the revision's for its preview, with no private Django API
needed to show rows that are not saved.
"""

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.html import format_html, format_html_join

from levers.models import LegalBasis

from .models import Practice
from .numbers import format_french_decimal
from .revisions import (
    FIELDS,
    FOREIGN_KEYS,
    INLINE_LABELS,
    INLINES,
    LONG_TEXT,
    RELATIONS,
    PracticeRevision,
    later_edits,
    proposed_changes,
    snapshot,
)

# The order of the inline rows on the practice page: their models' ordering without its
# leading "practice" (one practice here), which joined the practice table to sort.
STORED_ORDER = {"key_figures": ("position", "pk"), "recognitions": ("-year", "title")}
# What select_related the practice page needs on each foreign key a revision may change.
FOREIGN_KEY_RELATED = {"department": ["region"], "source_fiche": ["kit"]}


@dataclass(frozen=True)
class PracticeRelations:
    """The related rows a practice page lists, each a plain list in display order."""

    levers: list
    sectors: list
    partners: list
    key_figures: list
    recognitions: list

    @classmethod
    def stored(cls, practice):
        """As saved: one query each, the levers (with their legal bases) prefetched
        (practice_detail does it with its related practices'); the distinctions only when
        the practice has some (its `has_recognitions`, when annotated). Plain queries:
        prefetch_related_objects() on one practice cost ~0.8 ms of Python per relation
        more (README)."""
        has_recognitions = getattr(practice, "has_recognitions", True)
        recognitions = practice.recognitions.order_by(*STORED_ORDER["recognitions"])
        return cls(
            levers=list(practice.levers.all()),
            sectors=list(practice.sectors.all()),
            partners=list(practice.partners.all()),
            key_figures=list(practice.key_figures.order_by(*STORED_ORDER["key_figures"])),
            recognitions=list(recognitions) if has_recognitions else [],
        )


def preview(practice, revision):
    """The revision's content for the staff preview of the practice's public page: the
    fields it changes are put on `practice` in memory (never saved), the rest stays as
    published (like merged()); relations and inline rows are returned as a
    PracticeRelations for the template."""
    changes = set(proposed_changes(revision))
    data = revision.data
    for name in FIELDS:
        if name in RELATIONS or name not in changes:
            continue
        if name in FOREIGN_KEYS:
            if getattr(practice, f"{name}_id") != data[name]:
                related = FOREIGN_KEYS[name].objects.select_related(*FOREIGN_KEY_RELATED[name])
                setattr(practice, name, related.filter(pk=data[name]).first())
        else:
            setattr(practice, name, data[name])
    shown = {
        name: list(
            model.objects.filter(pk__in=data[name])
            if name in changes
            else getattr(practice, name).all()
        )
        for name, model in RELATIONS.items()
    }
    prefetch_related_objects(
        shown["levers"],
        Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("position")),
    )
    for name, (model, columns) in INLINES.items():
        if name not in changes:
            shown[name] = list(getattr(practice, name).order_by(*STORED_ORDER[name]))
            continue
        shown[name] = [
            model(practice=practice, **{c: row.get(c) for c in columns}) for row in data[name]
        ]
    for figure in shown["key_figures"]:
        figure.value = Decimal(figure.value)
    return PracticeRelations(**shown)


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


def label(name):
    """A field's or inline list's name as the admin shows it, capitalised."""
    if name in INLINES:
        text = INLINE_LABELS[name]
    else:
        text = str(Practice._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


def diff(revision):
    """Each field the revision changes: its label, the published value, the proposed
    one, for long texts the words changed, and `edited_since` when it was also edited
    directly since the revision was written (approving would replace that edit)."""
    current = snapshot(revision.practice)
    edited_since = set(later_edits(revision, current))
    changes = []
    for name in proposed_changes(revision):
        old, new = current.get(name), revision.data[name]
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        change = {
            "name": name,
            "label": label(name),
            "old": _readable(name, old),
            "new": _readable(name, new),
            "edited_since": name in edited_since,
        }
        if name in LONG_TEXT:
            change["words"] = _word_diff(old, new)
        changes.append(change)
    return changes
