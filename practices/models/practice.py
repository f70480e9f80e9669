"""Practices (case studies local authorities share): the model, its QuerySet verbs, the
first-publication rule (Practice.publication_date); the slug rules are in slugs.py.

Their key figures and distinctions are in figures.py; what a practice is found by
(search_text) in practices/search_text.py."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from levers.models import Fiche, Lever
from procurement_portal.invalidation import PublicContentQuerySet

from ..search_text import index_saved, refresh_search_text, set_search_texts
from .reference import Department, Partner, Sector
from .slugs import check_not_reserved, taken_slug_error

FIRST_YEAR = 1990
LAST_YEAR = 2100


def with_counts(objects, counts):
    """The objects (levers, departments…), each with `n`: its count from count_by()."""
    objects = list(objects)
    for obj in objects:
        obj.n = counts.get(obj.pk, 0)
    return objects


class PracticeQuerySet(PublicContentQuerySet):
    def get_by_natural_key(self, slug):
        # Lets loaddata resolve foreign keys written as slugs (see backup_content).
        return self.get(slug=slug)

    def published(self, now=None):
        """What visitors may see: published, due (scheduled dates honoured), not deleted."""
        return self.filter(
            status=Practice.Status.PUBLISHED,
            published_at__lte=now or timezone.now(),
            deleted_at__isnull=True,
        )

    def not_deleted(self):
        return self.filter(deleted_at__isnull=True)

    def count_by(self, field):
        """{key of `field`: number of practices}, in one grouped query.

        `field` is a foreign key or a many-to-many ("department", "levers"). Counting
        first and labelling after is much cheaper than annotating each lever or
        department with a filtered count, which joins every practice to every row:
        17 ms against 1.3 ms for the departments at 10,000 practices on PostgreSQL.
        """
        # Without the practices that have none: an indexed optional key (a fiche) then
        # reads only the few practices that have one.
        rows = (
            self.filter(**{f"{field}__isnull": False})
            .order_by()
            .values_list(field)
            .annotate(n=Count("pk"))
        )
        return dict(rows)

    # What cards, feeds and the home page read; the body, folded search text and contact
    # are left in the database (they make most of a row).
    CARD_FIELDS = (
        "title", "slug", "summary", "authority_type", "authority_name", "department",
        "start_year", "end_year", "status", "published_at", "updated_at", "evidence_level",
    )  # fmt: skip

    def for_cards(self):
        """What a practice card shows, in a fixed number of queries."""
        return self.card_columns().prefetch_related("levers")

    def for_cards_named_levers(self):
        """for_cards() without the levers' query: each practice's lever ids (lever_ids,
        "2,5"), for a page that already holds the levers' names (see
        practices.templatetags.practice_cards.name_levers)."""
        return self.card_columns("lever_ids")

    def card_columns(self, *more):
        """Only the columns a card shows (and `more`), its department and region joined."""
        return self.select_related("department__region").only(
            *self.CARD_FIELDS, *more, "department__name", "department__region__name"
        )

    def search(self, query):
        """Accent- and case-insensitive search: every word must appear.

        The PostgreSQL full-text version (French stemming, ranking) replaces this
        where available; see practices.search.
        """
        from ..search import search_practices

        return search_practices(self, query)

    def order_by_relevance(self, query):
        """Best matches first; on SQLite only matches can be ranked, so it searches too."""
        from ..search import order_by_relevance

        return order_by_relevance(self, query)

    def in_year(self, year):
        """Practices running during the given year."""
        return self.filter(start_year__lte=year).filter(
            Q(end_year__isnull=True) | Q(end_year__gte=year)
        )


class EvidenceLevel(models.TextChoices):
    """How sure we are of a practice's results (« Niveau de preuve »)."""

    DECLARED = "declaratif", "Déclaratif"
    MEASURED = "chiffre", "Chiffré"
    EVALUATED = "evalue", "Évalué"


# Shown to visitors next to the level, and on the list's facet.
EVIDENCE_EXPLANATIONS = {
    EvidenceLevel.DECLARED: "Résultats rapportés par la collectivité, sans indicateur suivi.",
    EvidenceLevel.MEASURED: "Des indicateurs chiffrés ont été suivis pendant la mise en œuvre.",
    EvidenceLevel.EVALUATED: "Une évaluation formelle (interne ou externe) a été menée.",
}


class Practice(models.Model):
    EvidenceLevel = EvidenceLevel

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposée (contribution à examiner)"
        DRAFT = "draft", "Brouillon"
        REVIEW = "review", "En relecture"
        PUBLISHED = "published", "Publiée"
        ARCHIVED = "archived", "Archivée (dépubliée)"

    class AuthorityType(models.TextChoices):
        REGION = "region", "Région"
        DEPARTMENT = "departement", "Département"
        INTERCOMMUNALITY = "intercommunalite", "Intercommunalité"
        COMMUNE = "commune", "Commune"
        OTHER = "autre", "Autre acteur public"

    title = models.CharField(
        "titre",
        max_length=200,
        help_text="Titre court et parlant, ex. « Un marché d'insertion pour 122 collèges ».",
    )
    slug = models.SlugField(
        "identifiant d'adresse",
        max_length=200,
        unique=True,
        help_text="Fin de l'adresse web : minuscules, chiffres et tirets, ex. "
        "/pratiques/pas-de-calais-marche-insertion-colleges/. Ne plus la changer une "
        "fois publiée : des liens y mènent.",
    )
    summary = models.TextField(
        "résumé",
        max_length=1000,
        help_text="Ce qu'a fait la collectivité, en deux à quatre phrases, sans mise en forme.",
    )
    body = models.TextField(
        "description détaillée",
        blank=True,
        help_text="Contexte, mise en œuvre, résultats, conseils pour reproduire. En Markdown.",
    )
    success_conditions = models.TextField(
        "conditions de réussite",
        blank=True,
        help_text="Ce qui a fait fonctionner la pratique et qu'une autre collectivité doit "
        "réunir pour la reprendre (portage, méthode, partenaires…). En Markdown ; "
        "section masquée si vide.",
    )
    watch_points = models.TextField(
        "points de vigilance",
        blank=True,
        help_text="Difficultés rencontrées, ce qui n'a pas marché, ce qu'il faudrait faire "
        "autrement : les échecs aussi sont utiles à partager. En Markdown ; section masquée "
        "si vide.",
    )
    means = models.TextField(
        "moyens mobilisés",
        blank=True,
        help_text="Personnes (en ETP si possible), budget, rôle de chaque partenaire. "
        "En Markdown ; section masquée si vide.",
    )
    evidence_level = models.CharField(
        "niveau de preuve",
        max_length=12,
        choices=EvidenceLevel.choices,
        default=EvidenceLevel.DECLARED,
        help_text="Déclaratif : résultats rapportés par la collectivité. Chiffré : des "
        "indicateurs ont été suivis (mettez-les dans les chiffres clés). Évalué : une "
        "évaluation formelle a été menée (joignez-la dans les documents).",
    )
    authority_type = models.CharField(
        "type de collectivité",
        max_length=20,
        choices=AuthorityType.choices,
        default=AuthorityType.DEPARTMENT,
        help_text="Échelon de la collectivité qui porte la pratique.",
    )
    authority_name = models.CharField(
        "collectivité",
        max_length=160,
        help_text="Nom de la collectivité qui porte la pratique, "
        "ex. « Département du Pas-de-Calais ».",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="practices",
        verbose_name="département",
        help_text="Territoire de la pratique (pour une région : le département du chef-lieu).",
    )
    levers = models.ManyToManyField(
        Lever,
        related_name="practices",
        verbose_name="leviers",
        help_text="Leviers de la commande publique que la pratique met en œuvre.",
    )
    sectors = models.ManyToManyField(
        Sector,
        related_name="practices",
        blank=True,
        verbose_name="secteurs",
        help_text="Secteurs ou types de marchés concernés.",
    )
    partners = models.ManyToManyField(
        Partner,
        related_name="practices",
        blank=True,
        verbose_name="partenaires",
        help_text="Organisations associées : SIAE, CRESS, réseaux… Tapez pour chercher.",
    )
    start_year = models.PositiveSmallIntegerField(
        "année de début",
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text="Année où la pratique a commencé (ex. 2018).",
    )
    end_year = models.PositiveSmallIntegerField(
        "année de fin",
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text="Laisser vide si la pratique est toujours en cours.",
    )
    source_fiche = models.ForeignKey(
        Fiche,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name="fiche source",
        help_text="Fiche RTES d'où provient cette étude de cas.",
    )
    contact_name = models.CharField(
        "contact (service ou fonction)",
        max_length=160,
        blank=True,
        help_text="Affiché publiquement : préférez un service "
        "(« Direction de la commande publique ») à une personne.",
    )
    contact_email = models.EmailField(
        "courriel du référent",
        blank=True,
        help_text="Jamais affiché sur le site : les visiteurs écrivent par le formulaire "
        "« Contacter la collectivité », que le portail transmet à cette adresse. Vide : "
        "les messages vont à l'équipe éditoriale.",
    )
    contact_url = models.URLField(
        "page de contact", blank=True, help_text="Page de contact de la collectivité (https://…)."
    )

    status = models.CharField(
        "statut",
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Brouillon → En relecture → Publiée → Archivée. Publier est réservé aux "
        "responsables éditoriaux ; choisissez « En relecture » pour le leur demander.",
    )
    published_at = models.DateTimeField(
        "publiée le",
        null=True,
        blank=True,
        help_text="Rempli à la première publication. Une date future programme la publication : "
        "la pratique n'apparaîtra sur le site qu'à cette date.",
    )
    deleted_at = models.DateTimeField("supprimée le", null=True, blank=True, editable=False)
    # What search reads besides the title and summary (practices.search_index): places
    # and levers weigh more than the rest.
    search_places = models.TextField("lieux et leviers indexés", blank=True, editable=False)
    search_text = models.TextField("texte indexé", blank=True, editable=False)
    # The ids of the practice's levers and sectors ("2,5"), kept in step with the search
    # texts (practices.search_index.practice_texts): a search's facet counts group the
    # matches on them instead of joining the through tables (practices.facets).
    lever_ids = models.TextField("leviers (facettes)", blank=True, default="", editable=False)
    sector_ids = models.TextField("secteurs (facettes)", blank=True, default="", editable=False)
    # The synonym groups its texts name, as tokens of the search vector (tsvector syntax,
    # practices.search_synonyms): PostgreSQL finds a group through its index.
    search_synonyms = models.TextField("synonymes indexés", blank=True, default="", editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    history = HistoricalRecords(m2m_fields=[levers, sectors, partners])
    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = "pratique"
        verbose_name_plural = "pratiques"
        ordering = ["-published_at", "title"]
        permissions = [("publish_practice", "Peut publier et dépublier des pratiques")]
        indexes = [
            models.Index(fields=["status", "published_at"], name="practice_public_idx"),
            models.Index(fields=["authority_type"], name="practice_authority_type_idx"),
            models.Index(fields=["start_year", "end_year"], name="practice_years_idx"),
            models.Index(fields=["title"], name="practice_title_idx"),
            # Public lists count and group the published practices (facets): with the
            # grouped and filtered columns in a partial index, PostgreSQL answers from
            # the index alone instead of reading every (wide) row; the department first
            # for the region and department filters, then the date for a department's
            # newest (related practices). At 100,000 practices, lever × region × year:
            # 343 → 69 ms (README, Benchmark). The lever and sector ids too: the facets
            # count them from this index instead of joining the through tables.
            models.Index(
                fields=[
                    "department",
                    "published_at",
                    "authority_type",
                    "evidence_level",
                    "start_year",
                    "end_year",
                    "id",
                    "lever_ids",
                    "sector_ids",
                ],
                condition=Q(status="published", deleted_at__isnull=True),
                name="practice_facets_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="practice_end_year_after_start_year",
                violation_error_message="L'année de fin ne peut précéder l'année de début.",
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=FIRST_YEAR) & Q(start_year__lte=LAST_YEAR),
                name="practice_start_year_plausible",
                violation_error_message=(
                    f"L'année de début doit être entre {FIRST_YEAR} et {LAST_YEAR}."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="practice_published_has_date",
                violation_error_message="Une pratique publiée doit avoir une date de publication.",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        check_not_reserved(self.slug)

    def unique_error_message(self, model_class, unique_check):
        if unique_check == ("slug",):
            taken = taken_slug_error(self)
            if taken is not None:
                return taken
        return super().unique_error_message(model_class, unique_check)

    def get_absolute_url(self):
        return reverse("practices:detail", args=[self.slug])

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.deleted_at is None
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @classmethod
    def publication_date(cls, status, date, first_published=None):
        """The first-publication rule, for every way of publishing (save, admin form and
        actions, import): a published practice without a date is dated from its first
        publication (`first_published`, as saved) or now; a date given is kept."""
        if status == cls.Status.PUBLISHED and date is None:
            return first_published or timezone.now()
        return date

    def publish(self, when=None):
        """Mark as published, at `when` or at its first publication date if it has one."""
        self.status = self.Status.PUBLISHED
        self.published_at = self.publication_date(self.status, when or self.published_at)

    def unpublish(self):
        self.status = self.Status.ARCHIVED

    def save(self, *args, search_text=True, **kwargs):
        """Save; `search_text=False` when the caller refreshes it after saving the
        relations (the admin), so that it is built once."""
        self.published_at = self.publication_date(self.status, self.published_at)
        if search_text:
            set_search_texts(self, include_relations=self.pk is not None)
        super().save(*args, **kwargs)
        if search_text:
            index_saved(self, using=kwargs.get("using"))

    def refresh_search_text(self):
        """Rebuild the search texts once levers, sectors, partners or key figures changed."""
        refresh_search_text(self)
