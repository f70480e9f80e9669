"""Territories and the practices (case studies) that local authorities share."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from levers.models import POSITION_HELP, Fiche, Lever, SlugNaturalKeyManager
from procurement_portal.content_version import ContentVersion  # noqa: F401 - registers it here
from procurement_portal.invalidation import PublicContentManager, PublicContentQuerySet

from .text import fold

FIRST_YEAR = 1990
LAST_YEAR = 2100


class CodeNaturalKeyManager(PublicContentManager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Region(models.Model):
    """One of the 18 French regions, keyed by its official INSEE code."""

    code = models.CharField(
        "code INSEE",
        max_length=3,
        primary_key=True,
        help_text="Code officiel INSEE de la région (données de référence).",
    )
    name = models.CharField(
        "nom", max_length=80, unique=True, help_text="Nom officiel de la région."
    )

    objects = CodeNaturalKeyManager()

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Department(models.Model):
    """One of the 101 departments, keyed by its INSEE code (01…95, 2A, 2B, 971…976)."""

    code = models.CharField(
        "code INSEE",
        max_length=3,
        primary_key=True,
        help_text="Code officiel INSEE : 01…95, 2A, 2B, 971…976 (données de référence).",
    )
    name = models.CharField(
        "nom", max_length=80, unique=True, help_text="Nom officiel du département."
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name="région",
        help_text="Région à laquelle le département appartient.",
    )

    objects = CodeNaturalKeyManager()

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        # INSEE order: 01…19, 21…29, 2A, 2B, 30…95, 971…976.
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)

    def get_absolute_url(self):
        return reverse("practices:department_detail", args=[self.code])


class Sector(models.Model):
    """A sector or market type: travaux, restauration collective, textile…"""

    name = models.CharField(
        "nom",
        max_length=80,
        unique=True,
        help_text="Nom court affiché dans les filtres, ex. « Restauration collective ».",
    )
    slug = models.SlugField(
        "identifiant d'adresse",
        max_length=80,
        unique=True,
        help_text="Partie de l'adresse web, rempli automatiquement depuis le nom.",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0, help_text=POSITION_HELP)

    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = "secteur"
        verbose_name_plural = "secteurs"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Partner(models.Model):
    """An organisation that takes part in practices: CRESS, associations intermédiaires…"""

    class Kind(models.TextChoices):
        SIAE = "siae", "Structure d'insertion (SIAE, association intermédiaire…)"
        NETWORK = "reseau", "Réseau ou fédération"
        CRESS = "cress", "Chambre régionale de l'ESS"
        PUBLIC = "public", "Acteur public"
        COMPANY = "entreprise", "Entreprise"
        OTHER = "autre", "Autre"

    name = models.CharField(
        "nom", max_length=160, unique=True, help_text="Nom complet, tel que l'organisation l'écrit."
    )
    slug = models.SlugField(
        "identifiant d'adresse",
        max_length=160,
        unique=True,
        help_text="Partie de l'adresse web, rempli automatiquement depuis le nom.",
    )
    kind = models.CharField(
        "type",
        max_length=12,
        choices=Kind.choices,
        default=Kind.OTHER,
        help_text="Sert à regrouper les partenaires dans les filtres.",
    )
    url = models.URLField(
        "site web", blank=True, help_text="Adresse du site de l'organisation (https://…)."
    )
    description = models.CharField(
        "description",
        max_length=300,
        blank=True,
        help_text="Une phrase : ce que fait l'organisation.",
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = "partenaire"
        verbose_name_plural = "partenaires"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


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
        "start_year", "end_year", "status", "published_at", "updated_at",
    )  # fmt: skip

    def for_cards(self):
        """What a practice card shows, in a fixed number of queries."""
        return (
            self.select_related("department__region")
            .prefetch_related("levers")
            .only(*self.CARD_FIELDS, "department__name", "department__region__name")
        )

    def search(self, query):
        """Accent- and case-insensitive search: every word must appear.

        The PostgreSQL full-text version (French stemming, ranking) replaces this
        where available; see practices.search.
        """
        from .search import search_practices

        return search_practices(self, query)

    def order_by_relevance(self, query):
        from .search import order_by_relevance

        return order_by_relevance(self, query)

    def in_year(self, year):
        """Practices running during the given year."""
        return self.filter(start_year__lte=year).filter(
            Q(end_year__isnull=True) | Q(end_year__gte=year)
        )


class Practice(models.Model):
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
        help_text="Partie de l'adresse web (/pratiques/<identifiant>/). Ne plus la changer une "
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
        "courriel de contact public",
        blank=True,
        help_text="Adresse publique d'un service (pas d'adresse personnelle).",
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
    search_text = models.TextField("texte indexé", blank=True, editable=False)
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
            # grouped columns in a partial index, PostgreSQL answers from the index
            # alone instead of reading every (wide) row.
            models.Index(
                fields=["published_at", "department", "authority_type", "id"],
                condition=Q(status="published", deleted_at__isnull=True),
                name="practice_published_facets_idx",
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

    def publish(self, when=None):
        """Mark as published; the first publication date is kept on later re-publications."""
        self.status = self.Status.PUBLISHED
        if when is not None:
            self.published_at = when
        elif self.published_at is None:
            self.published_at = timezone.now()

    def unpublish(self):
        self.status = self.Status.ARCHIVED

    def save(self, *args, search_text=True, **kwargs):
        """Save; `search_text=False` when the caller refreshes it after saving the
        relations (the admin), so that it is built once."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if search_text:
            self.search_text = self.build_search_text(include_relations=self.pk is not None)
        super().save(*args, **kwargs)

    def build_search_text(self, include_relations=True):
        """Folded text of everything a visitor may search for.

        Relations are included once the practice exists; callers that change
        many-to-many relations call refresh_search_text() afterwards.
        """
        parts = [self.title, self.summary, self.body, self.authority_name]
        if self.department_id:
            department = self.department
            parts += [department.name, department.region.name]
        if include_relations:
            parts += [lever.name for lever in self.levers.all()]
            parts += [sector.name for sector in self.sectors.all()]
            parts += [partner.name for partner in self.partners.all()]
            parts += [figure.label for figure in self.key_figures.all()]
        return fold(" ".join(p for p in parts if p))

    def refresh_search_text(self):
        self.search_text = self.build_search_text()
        Practice.objects.filter(pk=self.pk).update(search_text=self.search_text)


class KeyFigure(models.Model):
    """A figure shown as a figure: 913 personnes en insertion, sept. 2018 – déc. 2020."""

    practice = models.ForeignKey(
        Practice,
        on_delete=models.CASCADE,
        related_name="key_figures",
        verbose_name="pratique",
        help_text="Pratique dont ce chiffre mesure les résultats.",
    )
    label = models.CharField(
        "libellé", max_length=160, help_text="Ce que l'on compte, ex. « salariés en insertion »."
    )
    value = models.DecimalField(
        "valeur",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text="Nombre seul, sans unité ni espace.",
    )
    unit = models.CharField(
        "unité", max_length=40, blank=True, help_text="Ex. « € », « % », « collèges »."
    )
    period = models.CharField(
        "période", max_length=80, blank=True, help_text="Ex. « sept. 2018 – déc. 2020 »."
    )
    position = models.PositiveSmallIntegerField("ordre", default=0, help_text=POSITION_HELP)

    history = HistoricalRecords()

    objects = PublicContentManager()

    class Meta:
        verbose_name = "chiffre clé"
        verbose_name_plural = "chiffres clés"
        ordering = ["practice", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="keyfigure_value_not_negative",
                violation_error_message="Un chiffre clé ne peut pas être négatif.",
            ),
        ]

    def __str__(self):
        return f"{self.display_value} {self.unit} {self.label}".strip()

    @property
    def display_value(self):
        value = self.value.normalize() if self.value is not None else ""
        if value == "":
            return ""
        if value == value.to_integral():
            return f"{int(value):,}".replace(",", "\u202f")
        return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")


class Recognition(models.Model):
    """A distinction, e.g. « pratique exemplaire européenne » (Commission européenne, 2020)."""

    practice = models.ForeignKey(
        Practice,
        on_delete=models.CASCADE,
        related_name="recognitions",
        verbose_name="pratique",
        help_text="Pratique distinguée.",
    )
    title = models.CharField(
        "distinction", max_length=200, help_text="Ex. « pratique exemplaire européenne »."
    )
    awarded_by = models.CharField(
        "décernée par", max_length=160, blank=True, help_text="Ex. « Commission européenne »."
    )
    year = models.PositiveSmallIntegerField(
        "année",
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text="Année d'attribution.",
    )

    objects = PublicContentManager()

    class Meta:
        verbose_name = "distinction"
        verbose_name_plural = "distinctions"
        ordering = ["practice", "-year", "title"]

    def __str__(self):
        return self.title


# Fixed paths under /pratiques/ that a generated slug must not shadow.
RESERVED_PRACTICE_SLUGS = frozenset({"flux", "export-csv", "proposer"})


def unique_practice_slug(title, max_length=200):
    """titre, titre-2, titre-3…: a slug from the title that no practice (even deleted) uses."""
    # "l'entretien" gives "l-entretien", not "lentretien".
    stem = slugify(fold(title).replace("'", " "))[: max_length - 6].strip("-") or "pratique"
    taken = set(Practice.objects.filter(slug__startswith=stem).values_list("slug", flat=True))
    taken |= RESERVED_PRACTICE_SLUGS
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


class ContributionQuerySet(models.QuerySet):
    def submit(self, practice, *, levers, sectors=(), key_figures=(), **contributor):
        """Save a proposal from the public form: a practice only editors see, and who sent it.

        `practice` and `key_figures` are unsaved instances. Everything is saved in one
        transaction, committed on return, so that notifications sent afterwards may fail
        without losing the proposal.
        """
        attempts = 5
        with transaction.atomic():
            practice.status = Practice.Status.PROPOSED
            practice.published_at = None
            for attempt in range(attempts):
                practice.slug = unique_practice_slug(practice.title)
                try:
                    with transaction.atomic():
                        practice.save()
                    break
                except IntegrityError:
                    # A concurrent proposal took the slug; the next attempt sees it.
                    if attempt == attempts - 1:
                        raise
            practice.levers.set(levers)
            practice.sectors.set(sectors)
            for position, figure in enumerate(key_figures):
                figure.practice = practice
                figure.position = position
                figure.save()
            practice.refresh_search_text()
            return self.create(practice=practice, **contributor)

    def personal_data_older_than(self, cutoff):
        return self.filter(submitted_at__lt=cutoff, personal_data_purged_at__isnull=True)

    def purge_personal_data(self, cutoff, now=None):
        """Erase who sent the proposals submitted before `cutoff`; return how many."""
        return self.personal_data_older_than(cutoff).update(
            contributor_name="",
            contributor_email="",
            contributor_role="",
            personal_data_purged_at=now or timezone.now(),
        )


class Contribution(models.Model):
    """Who proposed a practice through the public form; personal data, purged after retention."""

    practice = models.OneToOneField(
        Practice,
        on_delete=models.CASCADE,
        related_name="contribution",
        verbose_name="pratique",
        help_text="Pratique créée par le formulaire « Proposer une pratique ».",
    )
    contributor_name = models.CharField(
        "nom du contributeur",
        max_length=120,
        blank=True,
        help_text="Donnée personnelle : ne pas la recopier dans la pratique.",
    )
    contributor_email = models.EmailField(
        "courriel du contributeur",
        blank=True,
        help_text="Pour recontacter le contributeur ; jamais affiché sur le site.",
    )
    contributor_role = models.CharField(
        "fonction", max_length=120, blank=True, help_text="Fonction déclarée par le contributeur."
    )
    links = models.TextField(
        "liens proposés",
        blank=True,
        help_text="Liens envoyés par le contributeur, un par ligne ; vérifiez-les avant usage.",
    )
    submitted_at = models.DateTimeField(
        "proposée le", default=timezone.now, help_text="Date d'envoi du formulaire."
    )
    personal_data_purged_at = models.DateTimeField(
        "données personnelles effacées le",
        null=True,
        blank=True,
        help_text="Date à laquelle nom et courriel ont été effacés.",
    )

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = "contribution"
        verbose_name_plural = "contributions"
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"Contribution du {self.submitted_at:%d/%m/%Y} : {self.practice}"


# Models kept in modules of their own, registered with the app from here.
from .contact import ContactMessage  # noqa: E402, F401
from .legal import LegalText  # noqa: E402, F401
