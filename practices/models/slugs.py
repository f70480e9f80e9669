"""Practice addresses (slugs): those a fixed page holds, a new practice's, and the French
messages of the admin form and the spreadsheet import when one is refused."""

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from ..text import fold

# Paths under /pratiques/ that are not practices (the feed, the CSV export, the
# proposal form, the comparison): a generated slug must not shadow them.
RESERVED_PRACTICE_SLUGS = frozenset({"flux", "export-csv", "proposer", "comparer"})


def check_not_reserved(slug):
    """Practice.clean(): a slug typed in the admin or a spreadsheet that a fixed page
    holds (/pratiques/flux/ is the feed, whatever practice claims it) is refused."""
    if slug in RESERVED_PRACTICE_SLUGS:
        raise ValidationError(
            {
                "slug": f"L'adresse « {slug} » est réservée à une page du site : "
                "choisissez-en une autre."
            }
        )


def taken_slug_error(practice):
    """The error for `practice`'s slug held by another practice, naming it: Django said
    « Un objet Pratique avec ce champ … existe déjà », while it may be hidden in the bin.
    None when no other practice holds it."""
    taken = type(practice).objects.filter(slug=practice.slug).exclude(pk=practice.pk).first()
    if taken is None:
        return None
    where = ", dans la corbeille" if taken.deleted_at else ""
    return ValidationError(
        f"Cette adresse est déjà prise par la pratique « {taken.title} »{where} : "
        "choisissez-en une autre.",
        code="unique",
    )


def unique_practice_slug(text, suffix="", max_length=200):
    """A slug no practice uses (deleted ones included) from `text`, then `suffix`:
    titre, titre-2, titre-3… or titre-copie, titre-copie-2…"""
    from .practice import Practice

    # "l'entretien" gives "l-entretien", not "lentretien".
    stem = slugify(fold(text).replace("'", " "))[: max_length - 6 - len(suffix)].strip("-")
    stem = "-".join(part for part in (stem or "pratique", suffix) if part)
    taken = set(Practice.objects.filter(slug__startswith=stem).values_list("slug", flat=True))
    taken |= RESERVED_PRACTICE_SLUGS
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate
