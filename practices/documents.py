"""Documents attached to a practice (cahier des charges, clause type, délibération…).

PDF, ODT, ODS, DOCX and XLSX only, checked by content and served, only while their
practice is public, by procurement_portal.uploads (the home of uploaded files, fiche
PDFs included). Imported by practices.models, so the practice is named by string.
"""

from django.db import models
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_safe

from levers.models import POSITION_HELP
from procurement_portal.invalidation import PublicContentManager
from procurement_portal.uploads import FORMATS, check_upload, detect_format, serve_upload

DOCUMENT_FORMATS = ("PDF", "ODT", "ODS", "DOCX", "XLSX")
UPLOAD_DIRECTORY = "documents"


def validate_document(upload):
    """A PDF, ODT, ODS, DOCX or XLSX by its content, of at most 20 MB."""
    if getattr(upload, "_committed", False):
        return  # checked when it was uploaded
    check_upload(upload, DOCUMENT_FORMATS, what="un document")


class Document(models.Model):
    class Kind(models.TextChoices):
        SPECIFICATIONS = "cahier-des-charges", "Cahier des charges"
        CLAUSE = "clause-type", "Clause type"
        DELIBERATION = "deliberation", "Délibération"
        EVALUATION = "evaluation", "Évaluation"
        REPORT = "bilan", "Bilan ou rapport"
        OTHER = "autre", "Autre document"

    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name="pratique",
        help_text="Pratique que le document illustre.",
    )
    title = models.CharField(
        "titre",
        max_length=200,
        help_text="Ce que le visiteur va télécharger, ex. « Cahier des clauses techniques du "
        "marché d'insertion 2018 ».",
    )
    kind = models.CharField(
        "nature",
        max_length=20,
        choices=Kind.choices,
        default=Kind.OTHER,
        help_text="Affichée à côté du titre.",
    )
    file = models.FileField(
        "fichier",
        upload_to=f"{UPLOAD_DIRECTORY}/",
        max_length=255,
        validators=[validate_document],
        help_text="PDF, ODT, ODS, DOCX ou XLSX, 20 Mo au plus. Le contenu est vérifié : un "
        "fichier simplement renommé est refusé. Retirez les données personnelles "
        "(signatures, coordonnées) avant de le déposer.",
    )
    format = models.CharField("format", max_length=5, editable=False, blank=True)
    size = models.PositiveBigIntegerField("taille (octets)", editable=False, default=0)
    position = models.PositiveSmallIntegerField("ordre", default=0, help_text=POSITION_HELP)

    # Public content shown with its practice (procurement_portal.invalidation).
    objects = PublicContentManager()

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documents"
        ordering = ["practice", "position", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not getattr(self.file, "_committed", True):
            self.format = detect_format(self.file) or ""
            self.size = self.file.size
        super().save(*args, **kwargs)

    @property
    def url(self):
        return f"/media/{self.file.name}"

    @property
    def format_label(self):
        return FORMATS[self.format].code if self.format in FORMATS else self.format

    @property
    def size_label(self):
        return filesizeformat(self.size)


@require_safe
def document_file(request, name):
    """/media/documents/<name>: a document of a public practice, in its own format."""
    stored_name = f"{UPLOAD_DIRECTORY}/{name}"
    from .models import Practice

    document = (
        None
        if "\x00" in name
        else Document.objects.filter(file=stored_name, practice__in=Practice.objects.published())
        .only("format")
        .first()
    )
    if document is None or document.format not in FORMATS:
        raise Http404("Aucune pratique publiée ne diffuse ce fichier.")
    # A PDF opens in the browser; office files are downloaded.
    return serve_upload(stored_name, document.format, attachment=document.format != "PDF")
