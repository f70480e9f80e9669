"""The tables search uses besides the practices: synonyms, vocabulary, SQLite's index."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Func, Lookup

from procurement_portal.forms import CONTROL_CHARS_MESSAGE, has_control_characters
from procurement_portal.invalidation import PublicContentManager

from .search_index import FTS_PRACTICE_COLUMN, FTS_TABLE
from .text import fold

MAX_SYNONYM_TERMS = 8
MAX_SYNONYM_TERM_LENGTH = 120


def split_terms(text):
    """The terms of a group as written: « SIAE = structure d'insertion… » → [SIAE, …]."""
    terms = []
    for term in (text or "").replace("\n", "=").split("="):
        term = " ".join(term.split())
        if term and fold(term) not in {fold(t) for t in terms}:
            terms.append(term)
    return terms


class Synonym(models.Model):
    """Terms a search treats as one: an acronym and its long form, two names of a thing.

    Public content (procurement_portal.invalidation): a change makes cached search pages
    stale at once.
    """

    terms = models.TextField(
        "termes équivalents",
        max_length=600,
        help_text="Au moins deux termes séparés par « = », par exemple « SIAE = structure "
        "d'insertion par l'activité économique ». Une recherche sur l'un des termes trouve "
        "aussi les pratiques qui emploient les autres. Sigles de 2 ou 3 lettres : seuls les "
        "mots entiers sont trouvés. L'enregistrement met à jour l'index des pratiques qui "
        "emploient ces termes : quelques secondes pour un terme très répandu.",
    )
    note = models.CharField(
        "remarque",
        max_length=200,
        blank=True,
        help_text="Pour les éditeurs seulement (source, raison d'être) ; jamais affichée.",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # Every practice naming the group carries its token (practices.search_synonyms):
    # searches look the token up instead of each term.
    indexed = models.BooleanField("indexé", default=False, editable=False)

    objects = PublicContentManager()

    class Meta:
        verbose_name = "synonyme"
        verbose_name_plural = "synonymes"
        ordering = ["terms"]

    def __str__(self):
        return " = ".join(self.term_list())

    def save(self, *args, **kwargs):
        # Searches look for the terms until practices.search_synonyms.reindex() has given
        # the practices naming them the group's token again.
        self.indexed = False
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "indexed"}
        super().save(*args, **kwargs)

    def term_list(self):
        return split_terms(self.terms)

    def clean(self):
        if has_control_characters([self.terms, self.note]):
            raise ValidationError(CONTROL_CHARS_MESSAGE)
        terms = self.term_list()
        if len(terms) < 2:
            raise ValidationError(
                {"terms": "Indiquez au moins deux termes différents, séparés par « = »."}
            )
        if len(terms) > MAX_SYNONYM_TERMS:
            raise ValidationError(
                {"terms": f"Un groupe compte au plus {MAX_SYNONYM_TERMS} termes."}
            )
        for term in terms:
            if len(term) > MAX_SYNONYM_TERM_LENGTH:
                raise ValidationError(
                    {
                        "terms": f"« {term[:40]}… » dépasse {MAX_SYNONYM_TERM_LENGTH} "
                        "caractères : un terme est un mot ou une courte expression."
                    }
                )
        # Written back tidy: one space around each « = ».
        self.terms = " = ".join(terms)


class SearchWord(models.Model):
    """A word of the published practices, for « Vouliez-vous dire » (practices.suggest).

    PostgreSQL finds the closest ones with pg_trgm (trigram index, migration 0011).
    """

    word = models.CharField("mot (sans accents)", max_length=60, unique=True)
    stem = models.CharField("racine", max_length=60, db_index=True)
    display = models.CharField("forme écrite", max_length=60)
    frequency = models.PositiveIntegerField("nombre de pratiques", default=1)

    class Meta:
        verbose_name = "mot du vocabulaire"
        verbose_name_plural = "vocabulaire de recherche"

    def __str__(self):
        return self.display


class FullTextDocumentField(models.TextField):
    """The hidden column of an FTS5 table (named like the table), which MATCH applies to."""


@FullTextDocumentField.register_lookup
class FullTextMatch(Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class Bm25(Func):
    """FTS5's bm25 with column weights, negated: higher is better, as with ts_rank."""

    function = "bm25"
    template = "-%(function)s(%(expressions)s)"
    output_field = models.FloatField()


class SearchEntry(models.Model):
    """A practice's row in SQLite's full-text table (FTS5, migration 0011; none elsewhere).

    Unmanaged: the table is a virtual table that practices.search_index fills. The model
    only lets queries join it (`search_entry__document__match`) and rank with Bm25.
    """

    practice = models.OneToOneField(
        "practices.Practice",
        primary_key=True,
        db_column=FTS_PRACTICE_COLUMN,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    document = FullTextDocumentField(db_column=FTS_TABLE)

    class Meta:
        managed = False
        db_table = FTS_TABLE
        verbose_name = "entrée de l'index plein texte"

    def __str__(self):
        return f"Index de la pratique {self.practice_id}"
