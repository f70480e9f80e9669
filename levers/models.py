"""Levers of responsible public procurement, and the RTES kits and fiches that present them.

All of them are public content: their managers use PublicContentManager, and any write
makes cached pages stale (procurement_portal.invalidation).
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from procurement_portal.invalidation import PublicContentManager

from .validators import validate_pdf

POSITION_HELP = "Ordre d'affichage : les plus petits nombres d'abord."


class SlugNaturalKeyManager(PublicContentManager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Lever(models.Model):
    class Family(models.TextChoices):
        TARGET_ESS = "cibler-ess", "Cibler les structures de l'ESS"
        ORGANISE = "organiser", "S'organiser au sein de la collectivité"
        INNOVATE = "innover", "Développer les achats innovants"

    name = models.CharField(
        "nom", max_length=120, unique=True, help_text="Nom court affiché dans les filtres."
    )
    slug = models.SlugField(
        "identifiant d'adresse",
        max_length=80,
        unique=True,
        help_text="Fin de l'adresse web : minuscules, chiffres et tirets, ex. "
        "/leviers/clauses-sociales/. Ne plus la changer une fois "
        "publiée : des liens envoyés par courriel y mènent.",
    )
    family = models.CharField(
        "famille",
        max_length=20,
        choices=Family.choices,
        help_text="Regroupement des leviers sur la page des leviers.",
    )
    summary = models.TextField(
        "résumé", max_length=600, help_text="Deux ou trois phrases, sans mise en forme."
    )
    body = models.TextField(
        "présentation", blank=True, help_text="Texte complet, en Markdown (titres ##, listes -)."
    )
    when_to_use = models.TextField(
        "quand l'utiliser",
        blank=True,
        help_text="Situations où ce levier est pertinent, en Markdown.",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0, help_text=POSITION_HELP)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = HistoricalRecords()
    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = "levier"
        verbose_name_plural = "leviers"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("levers:detail", args=[self.slug])


class LegalBasis(models.Model):
    """A dated legal reference, so that a change of law is added rather than overwritten."""

    lever = models.ForeignKey(
        Lever,
        on_delete=models.CASCADE,
        related_name="legal_bases",
        verbose_name="levier",
        help_text="Levier que cette base légale fonde.",
    )
    code = models.CharField(
        "référence",
        max_length=40,
        help_text="Article ou texte, tel qu'on le cite : « L2113-13 », « loi 2005-882, art. 60 ».",
    )
    source = models.CharField(
        "texte",
        max_length=120,
        default="Code de la commande publique",
        help_text="Code, loi ou décret dont relève la référence.",
    )
    title = models.CharField(
        "intitulé", max_length=200, help_text="Ce que dit l'article, en clair."
    )
    description = models.TextField(
        "précisions",
        blank=True,
        help_text="Seuils, conditions, évolutions : ce qu'il faut savoir pour l'appliquer.",
    )
    url = models.URLField(
        "lien Légifrance", blank=True, help_text="Adresse de l'article sur legifrance.gouv.fr."
    )
    valid_from = models.DateField(
        "en vigueur depuis", null=True, blank=True, help_text="Laisser vide si inconnu."
    )
    valid_until = models.DateField(
        "en vigueur jusqu'au",
        null=True,
        blank=True,
        help_text="À remplir quand le texte change : ajoutez alors une nouvelle référence "
        "plutôt que de modifier celle-ci.",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0, help_text=POSITION_HELP)

    history = HistoricalRecords()

    objects = PublicContentManager()

    class Meta:
        verbose_name = "base légale"
        verbose_name_plural = "bases légales"
        ordering = ["lever", "position", "valid_from", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="legalbasis_valid_until_after_valid_from",
                violation_error_message="La fin de validité doit suivre le début de validité.",
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.title}"


class Kit(models.Model):
    name = models.CharField(
        "nom", max_length=120, unique=True, help_text="Nom du kit, ex. « Kit DépartementalESS »."
    )
    slug = models.SlugField(
        "identifiant d'adresse",
        max_length=80,
        unique=True,
        help_text="Partie de l'adresse web, rempli automatiquement depuis le nom.",
    )
    published_on = models.DateField(
        "date de parution", help_text="Sert au tri ; l'édition affichée est le champ suivant."
    )
    edition = models.CharField(
        "édition", max_length=40, help_text="Date telle qu'on l'affiche : « juin 2021 », « 2020 »."
    )
    description = models.TextField("présentation", blank=True, help_text="En Markdown.")
    url = models.URLField(
        "page du kit chez RTES",
        blank=True,
        help_text="Page du kit sur le site du RTES (https://…).",
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = "kit"
        verbose_name_plural = "kits"
        ordering = ["-published_on", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Fiche(models.Model):
    kit = models.ForeignKey(
        Kit,
        on_delete=models.PROTECT,
        related_name="fiches",
        help_text="Kit dont la fiche fait partie.",
    )
    number = models.PositiveSmallIntegerField("numéro", help_text="Numéro de la fiche dans le kit.")
    title = models.CharField(
        "titre", max_length=200, help_text="Titre de la fiche, tel qu'imprimé."
    )
    slug = models.SlugField(
        "identifiant d'adresse",
        max_length=120,
        unique=True,
        help_text="Fin de l'adresse web : minuscules, chiffres et tirets, ex. "
        "/fiches/kit-departementaless-12-commande-publique-responsable/.",
    )
    published_on = models.DateField("date de parution", help_text="Date de parution de la fiche.")
    summary = models.TextField(
        "résumé", max_length=800, blank=True, help_text="Deux ou trois phrases, sans mise en forme."
    )
    body = models.TextField("présentation", blank=True, help_text="En Markdown.")
    pdf_name = models.CharField(
        "nom du PDF d'origine",
        max_length=200,
        blank=True,
        help_text="Nom du fichier publié par RTES, ex. fiche12_kitdepartementaless.pdf.",
    )
    pdf_size_kib = models.PositiveIntegerField(
        "taille du PDF (Kio)",
        null=True,
        blank=True,
        help_text="Taille du PDF d'origine en kilo-octets, affichée à côté du lien.",
    )
    pdf = models.FileField(
        "PDF",
        upload_to="fiches/",
        blank=True,
        validators=[validate_pdf],
        help_text="Le PDF de la fiche (20 Mo au plus). Seuls les vrais fichiers PDF sont acceptés.",
    )
    levers = models.ManyToManyField(
        Lever,
        related_name="fiches",
        blank=True,
        verbose_name="leviers présentés",
        help_text="Leviers que la fiche présente. Tapez pour chercher.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = HistoricalRecords(m2m_fields=[levers])
    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = "fiche"
        verbose_name_plural = "fiches"
        ordering = ["kit", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kit", "number"],
                name="fiche_unique_number_per_kit",
                violation_error_message="Ce kit a déjà une fiche portant ce numéro.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="fiche_number_positive",
                violation_error_message="Le numéro de fiche commence à 1.",
            ),
        ]

    def __str__(self):
        return f"{self.kit} – fiche n°{self.number} : {self.title}"

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("levers:fiche_detail", args=[self.slug])


class Resource(models.Model):
    """Further reading attached to a lever or a fiche."""

    class Kind(models.TextChoices):
        GUIDE = "guide", "Guide"
        LAW = "texte", "Texte juridique"
        TOOL = "outil", "Outil"
        STUDY = "etude", "Étude"
        NETWORK = "reseau", "Réseau"
        WEBSITE = "site", "Site web"

    title = models.CharField(
        "titre", max_length=200, help_text="Titre du document ou du site, tel qu'il s'affiche."
    )
    url = models.URLField("lien", help_text="Adresse complète (https://…).")
    kind = models.CharField(
        "type",
        max_length=10,
        choices=Kind.choices,
        default=Kind.GUIDE,
        help_text="Nature de la ressource, affichée à côté du titre.",
    )
    description = models.CharField(
        "description",
        max_length=400,
        blank=True,
        help_text="Une phrase : ce que le lecteur y trouvera.",
    )
    lever = models.ForeignKey(
        Lever,
        on_delete=models.CASCADE,
        related_name="resources",
        null=True,
        blank=True,
        verbose_name="levier",
        help_text="Levier auquel la ressource se rattache (ou une fiche, ci-dessous).",
    )
    fiche = models.ForeignKey(
        Fiche,
        on_delete=models.CASCADE,
        related_name="resources",
        null=True,
        blank=True,
        verbose_name="fiche",
        help_text="Fiche à laquelle la ressource se rattache (ou un levier, ci-dessus).",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0, help_text=POSITION_HELP)

    objects = PublicContentManager()

    class Meta:
        verbose_name = "ressource"
        verbose_name_plural = "ressources"
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lever__isnull=False) | Q(fiche__isnull=False),
                name="resource_attached_to_lever_or_fiche",
                violation_error_message="Rattachez la ressource à un levier ou à une fiche.",
            ),
        ]

    def __str__(self):
        return self.title
