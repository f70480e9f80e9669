"""The editors' back office for practices: the form that checks the workflow, the list
and its columns, saving (search text built once, publication rights enforced).

Its actions and the bin are in practice_actions.py, the key figure and distinction
inlines in figures.py, pending revisions in practices/revisions_admin.py; the workflow
rules themselves are in practices.workflow.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import FieldError, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from procurement_portal.admin import (
    EditorFormDefaults,
    ExportForm,
    HistoryRevertsRelations,
    link_list,
    mailto_link,
    public_link,
)
from procurement_portal.admin_history import FrenchHistoryAdmin

from .. import revisions, workflow
from ..models import Practice
from ..resources import PracticeResource
from ..review_queue import AuthorFilter, ScheduledFilter
from ..revisions_admin import ReviewedChanges
from .documents import DocumentInline
from .figures import KeyFigureInline, RecognitionInline
from .practice_actions import DeletedFilter, PracticeActions

# Characters of a title shown in the practice list.
TITLE_CHARS = 70


class PracticeAdminForm(forms.ModelForm):
    """Checks the workflow on the server: who may publish, which transitions exist."""

    # Set by PracticeAdmin.get_form for each request.
    user = None
    save_as_new = False

    edited_version = forms.CharField(
        label="version ouverte",
        widget=forms.HiddenInput,
        required=False,
        help_text="La version enregistrée à l'ouverture du formulaire (champ invisible).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # a posted form carries its own, checked in clean()
            self.fields["edited_version"].initial = revisions.edit_version(self.instance)

    def check_edited_version(self):
        """Refuse a save from a form opened before someone else's change; the form then
        carries the new version, so that saving again replaces it knowingly."""
        name = self.add_prefix("edited_version")
        posted = self.data.get(name)
        current = revisions.edit_version(self.instance)
        if posted and current and posted != current:
            self.data = self.data.copy()
            self.data[name] = current
            self.add_error(None, EDIT_CONFLICT)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if self.save_as_new:
            return workflow.fresh_slug(self.cleaned_data.get("title") or slug)
        return slug

    def clean(self):
        cleaned = super().clean()
        if self.save_as_new:
            # « Enregistrer comme nouveau brouillon »: never published, whoever asks.
            cleaned["status"] = Practice.Status.DRAFT
            if "published_at" in self.fields:
                cleaned["published_at"] = None
            return cleaned
        self.check_edited_version()
        old_status, old_date = workflow.stored_state(self.instance)
        self.stored_publication = (old_status, old_date)
        status = cleaned.get("status")
        if status:
            try:
                workflow.check_transition(self.user, old_status, status)
            except ValidationError as error:
                self.add_error("status", error)
        if "published_at" in self.fields and "published_at" in cleaned:
            cleaned["published_at"] = Practice.publication_date(
                status, cleaned["published_at"], first_published=old_date
            )
            try:
                workflow.check_publication_date(self.user, old_date, cleaned["published_at"])
            except ValidationError as error:
                self.add_error("published_at", error)
        return cleaned


EDIT_CONFLICT = (
    "Cette pratique a été modifiée depuis que vous avez ouvert ce formulaire (par une autre "
    "personne ou dans un autre onglet) : rien n'est enregistré, pour ne pas effacer ces "
    "modifications. Ouvrez la pratique dans un autre onglet pour les voir et reportez-y les "
    "vôtres, ou enregistrez à nouveau ce formulaire pour remplacer cette version par la vôtre."
)


@admin.register(Practice)
class PracticeAdmin(
    ReviewedChanges,
    PracticeActions,
    EditorFormDefaults,
    HistoryRevertsRelations,
    ImportExportModelAdmin,
    FrenchHistoryAdmin,
):
    form = PracticeAdminForm
    export_form_class = ExportForm
    resource_classes = [PracticeResource]
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    list_display = [
        "short_title",
        "status_display",
        "department",
        "authority_name",
        "lever_list",
        "published_at",
        "updated_at",
        "view_on_site_link",
    ]
    list_filter = [
        DeletedFilter,
        "status",
        ScheduledFilter,
        AuthorFilter,
        "levers",
        "authority_type",
        "evidence_level",
        "department__region",
        "sectors",
    ]
    search_fields = ["title", "slug", "authority_name", "summary", "department__name"]
    autocomplete_fields = ["department", "levers", "sectors", "partners", "source_fiche"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["department"]
    save_as = True
    save_on_top = True
    inlines = [KeyFigureInline, DocumentInline, RecognitionInline]
    readonly_fields = ["contribution_details", "created_at", "updated_at", "deleted_at"]
    history_fields = ["status"]
    markdown_fields = ["body", "success_conditions", "watch_points", "means"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (
            "Enseignements et niveau de preuve",
            {
                "fields": ["success_conditions", "watch_points", "means", "evidence_level"],
                "description": "Ce qu'une autre collectivité doit savoir pour reprendre la "
                "pratique. Chaque texte n'apparaît sur le site que s'il est rempli.",
            },
        ),
        (
            "Collectivité et territoire",
            {"fields": ["authority_type", "authority_name", "department"]},
        ),
        (
            "Leviers, secteurs, partenaires",
            {"fields": ["levers", "sectors", "partners", "source_fiche"]},
        ),
        ("Dates", {"fields": ["start_year", "end_year"]}),
        ("Contact", {"fields": ["contact_name", "contact_email", "contact_url"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "published_at",
                    "deleted_at",
                    "created_at",
                    "updated_at",
                    "edited_version",
                ]
            },
        ),
        ("Contribution reçue", {"fields": ["contribution_details"]}),
    ]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.result_list = changelist.result_list.prefetch_related("levers")
        return changelist

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(
            form.__name__,
            (form,),
            {"user": request.user, "save_as_new": "_saveasnew" in request.POST},
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not workflow.can_publish(request.user):
            fields.append("published_at")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not hasattr(obj, "contribution"):
            fieldsets = [fs for fs in fieldsets if fs[0] != "Contribution reçue"]
        return fieldsets

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def export_action(self, request):
        # The export reads the list's filters from its address, as the list does: one the
        # list would refuse with its notice (?e=1) was a 500 here.
        try:
            return super().export_action(request)
        except (IncorrectLookupParameters, FieldError, ValidationError):
            changelist = reverse("admin:practices_practice_changelist")
            return redirect(f"{changelist}?{ERROR_FLAG}=1")

    def process_import(self, request, **kwargs):
        # The confirmation names a temporary copy of the file, removed once imported: a
        # second click on « Confirmer l'import » (or a forged form) finds none.
        fmt = request.POST.get("format", "")
        if self.has_import_permission(request) and not (
            fmt.isdigit() and int(fmt) < len(self.get_import_formats())
        ):
            return self.import_gone(request)
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            return self.import_gone(request)

    def add_data_read_fail_error_to_form(self, form, error):
        # import-export names the exception (« Erreur 'UnicodeDecodeError'… »): editors
        # need what to do. Excel's « CSV » is Windows-1252, its « CSV UTF-8 » is what reads.
        if isinstance(error, UnicodeDecodeError):
            message = (
                "Ce fichier CSV n'est pas encodé en UTF-8 : dans Excel, choisissez « Enregistrer "
                "sous » puis le type « CSV UTF-8 (délimité par des virgules) » ; dans "
                "LibreOffice, le jeu de caractères « Unicode (UTF-8) » et la virgule comme "
                "séparateur. Importez ensuite ce nouveau fichier."
            )
        else:
            message = (
                "Ce fichier n'a pas pu être lu dans le format choisi : vérifiez que le format "
                "(CSV UTF-8 ou XLSX) correspond au fichier et que le fichier s'ouvre dans "
                "votre tableur."
            )
        form.add_error("import_file", message)

    def import_gone(self, request):
        self.message_user(
            request,
            "Ce fichier a déjà été importé, ou sa prévisualisation a expiré : vérifiez la "
            "liste des pratiques, puis recommencez l'import si besoin.",
            messages.WARNING,
        )
        return redirect(reverse("admin:practices_practice_import"))

    # Saving -------------------------------------------------------------------

    # The search text covers levers, sectors, partners and key figures, saved after the
    # practice: it is built once, when the response follows a successful save (add,
    # change, save as new, and the history « revert » form, which skips save_related).

    def save_model(self, request, obj, form, change):
        # Also reached by the history « revert » form, whose instance is the old version.
        put_back = workflow.enforce_publication_rights(request.user, obj)
        if put_back:
            labels = ", ".join(f"« {Practice._meta.get_field(f).verbose_name} »" for f in put_back)
            self.message_user(
                request,
                f"Champs laissés tels qu'enregistrés ({labels}) : seuls les responsables "
                "éditoriaux publient, datent la publication ou utilisent la corbeille.",
                messages.WARNING,
            )
        if self.keeps_as_revision(request, obj, form, change):
            return  # An Éditeur's change to a published practice waits for review.
        obj._history_user = request.user  # as SimpleHistoryAdmin.save_model does
        obj.save(search_text=False)
        news = workflow.publication_news(obj, *getattr(form, "stored_publication", (None, None)))
        if news:
            self.message_user(request, news, messages.INFO)

    def response_change(self, request, obj):
        if not getattr(request, "revision_submitted", False):
            obj.refresh_search_text()
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        obj.refresh_search_text()
        if "_saveasnew" in request.POST:
            self.message_user(
                request,
                f"Nouveau brouillon « {obj} » créé ; la pratique d'origine est inchangée.",
                messages.SUCCESS,
            )
        return super().response_add(request, obj, post_url_continue)

    # List columns -------------------------------------------------------------

    @admin.display(description="titre", ordering="title")
    def short_title(self, obj):
        # Long titles would push the other columns off a 1280 px screen; the full
        # title stays in the tooltip and on the change page.
        short = Truncator(obj.title).chars(TITLE_CHARS)
        if short == obj.title:
            return obj.title
        return format_html('<span title="{}">{}</span>', obj.title, short)

    @admin.display(description="statut", ordering="status")
    def status_display(self, obj):
        if obj.deleted_at is not None:
            return "Dans la corbeille"
        if obj.status == Practice.Status.PUBLISHED and obj.published_at > timezone.now():
            when = timezone.localtime(obj.published_at)
            return f"Programmée le {when:%d/%m/%Y à %H:%M}"
        return obj.get_status_display()

    @admin.display(description="leviers")
    def lever_list(self, obj):
        return ", ".join(lever.name for lever in obj.levers.all())

    @admin.display(description="site public")
    def view_on_site_link(self, obj):
        label = "Voir sur le site" if obj.is_public else "Aperçu"
        return public_link(obj, label)

    @admin.display(description="contributeur")
    def contribution_details(self, obj):
        contribution = getattr(obj, "contribution", None)
        if contribution is None:
            return "—"
        rows = [
            ("Nom", contribution.contributor_name or "—"),
            ("Courriel", mailto_link(contribution.contributor_email)),
            ("Fonction", contribution.contributor_role or "—"),
            ("Liens proposés", link_list(contribution.links)),
            ("Proposée le", f"{timezone.localtime(contribution.submitted_at):%d/%m/%Y %H:%M}"),
        ]
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))
