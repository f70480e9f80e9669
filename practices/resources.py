"""Spreadsheet (CSV, XLSX) import and export of practices, for django-import-export.

Rows are matched by slug, so importing a file twice updates rather than duplicates.
Levers, sectors, partners and the source fiche are named by their slug, the
department by its INSEE code. An import applies entirely or not at all.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.results import Result

from levers.models import Fiche, Lever

from . import revisions, workflow
from .models import Department, KeyFigure, Partner, Practice, Sector
from .numbers import format_french_decimal, parse_french_decimal
from .text import from_spreadsheet_cell, to_spreadsheet_cell

LIST_SEPARATOR = ","
FIGURE_SEPARATOR = " | "
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
)


class SlugListWidget(widgets.ManyToManyWidget):
    """Slugs separated by commas; an unknown slug is an error, not silently dropped."""

    def __init__(self, model, noun, **kwargs):
        super().__init__(model, separator=LIST_SEPARATOR, field="slug", **kwargs)
        self.noun = noun

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return self.model.objects.none()
        slugs = [s.strip() for s in str(value).split(self.separator) if s.strip()]
        found = self.model.objects.filter(slug__in=slugs)
        missing = sorted(set(slugs) - {obj.slug for obj in found})
        if missing:
            raise ValueError(f"{self.noun} inconnu(s) : {', '.join(missing)}.")
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(sorted(item.slug for item in value.all()))


class DepartmentWidget(widgets.ForeignKeyWidget):
    """An INSEE code: 62, 2A, 974. Spreadsheets turn 01 into 1; put the zero back."""

    def __init__(self, **kwargs):
        super().__init__(Department, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        code = str(value).strip().upper()
        if code.isdigit() and len(code) == 1:
            code = code.zfill(2)
        try:
            return Department.objects.get(code=code)
        except Department.DoesNotExist:
            raise ValueError(
                f"Département inconnu : « {value} ». Indiquez son code INSEE (ex. 62, 2A, 974)."
            ) from None


class SlugForeignKeyWidget(widgets.ForeignKeyWidget):
    def __init__(self, model, noun, **kwargs):
        super().__init__(model, field="slug", **kwargs)
        self.noun = noun

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        try:
            return self.model.objects.get(slug=str(value).strip())
        except self.model.DoesNotExist:
            raise ValueError(f"{self.noun} inconnue : « {value} ».") from None


class LocalDateTimeWidget(widgets.Widget):
    """Dates in local time (Europe/Paris), written 2024-05-01 10:00:00 or 01/05/2024 10:00."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, datetime):
            parsed = value
        else:
            text = str(value).strip()
            for fmt in DATETIME_FORMATS:
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(
                    f"Date illisible : « {value} ». Écrivez-la 2024-05-01 10:00 ou 01/05/2024."
                )
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return timezone.localtime(value).strftime(DATETIME_FORMATS[0])


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's code (draft) or its label (Brouillon); exports the code."""

    def __init__(self, choices, noun, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.noun = noun

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        for code, label in self.choices:
            if text.lower() in (code.lower(), str(label).lower()):
                return code
        codes = ", ".join(code for code, _ in self.choices)
        raise ValueError(f"{self.noun} inconnu : « {text} ». Valeurs possibles : {codes}.")

    def render(self, value, obj=None, **kwargs):
        return value or ""


class KeyFiguresField(fields.Field):
    """One figure per line: libellé | valeur | unité | période."""

    def __init__(self):
        super().__init__(attribute=None, column_name="chiffres_cles", readonly=False)

    def get_value(self, obj):
        if obj is None or obj.pk is None:
            return ""
        return "\n".join(
            FIGURE_SEPARATOR.join(
                [f.label, format_french_decimal(f.value, thousands=" "), f.unit, f.period]
            ).rstrip(" |")
            for f in obj.key_figures.all()
        )

    def export(self, instance, **kwargs):
        return self.get_value(instance)

    def save(self, instance, row, is_m2m=False, **kwargs):
        # Figures are replaced after the practice is saved; see PracticeResource.
        pass

    @staticmethod
    def parse(text):
        figures = []
        for number, line in enumerate(str(text or "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            parts += [""] * (4 - len(parts))
            label, value, unit, period = parts[:4]
            try:
                amount = parse_french_decimal(value)
            except ValidationError as error:
                raise ValueError(
                    f"Chiffre clé n°{number} : {error.messages[0]} "
                    "(format : libellé | valeur | unité | période)."
                ) from None
            if not label or amount is None or amount < 0:
                raise ValueError(
                    f"Chiffre clé n°{number} : il faut un libellé et une valeur positive."
                )
            figures.append(
                {
                    "label": label,
                    "value": amount,
                    "unit": unit,
                    "period": period,
                    "position": number,
                }
            )
        return figures


class SpreadsheetResult(Result):
    """Row numbers as the editor sees them in the file: line 1 holds the headers."""

    def row_errors(self):
        return [(i + 2, row.errors) for i, row in enumerate(self.rows) if row.errors]

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)


class PracticeResource(resources.ModelResource):
    department = fields.Field(
        attribute="department", column_name="departement", widget=DepartmentWidget()
    )
    levers = fields.Field(
        attribute="levers", column_name="leviers", widget=SlugListWidget(Lever, "Levier")
    )
    sectors = fields.Field(
        attribute="sectors", column_name="secteurs", widget=SlugListWidget(Sector, "Secteur")
    )
    partners = fields.Field(
        attribute="partners",
        column_name="partenaires",
        widget=SlugListWidget(Partner, "Partenaire"),
    )
    source_fiche = fields.Field(
        attribute="source_fiche",
        column_name="fiche_source",
        widget=SlugForeignKeyWidget(Fiche, "Fiche"),
    )
    status = fields.Field(
        attribute="status",
        column_name="statut",
        widget=ChoiceWidget(Practice.Status.choices, "Statut"),
    )
    authority_type = fields.Field(
        attribute="authority_type",
        column_name="type_collectivite",
        widget=ChoiceWidget(Practice.AuthorityType.choices, "Type de collectivité"),
    )
    published_at = fields.Field(
        attribute="published_at", column_name="publiee_le", widget=LocalDateTimeWidget()
    )
    success_conditions = fields.Field(
        attribute="success_conditions", column_name="conditions_de_reussite"
    )
    watch_points = fields.Field(attribute="watch_points", column_name="points_de_vigilance")
    means = fields.Field(attribute="means", column_name="moyens")
    evidence_level = fields.Field(
        attribute="evidence_level",
        column_name="niveau_de_preuve",
        widget=ChoiceWidget(Practice.EvidenceLevel.choices, "Niveau de preuve"),
    )
    key_figures = KeyFiguresField()

    class Meta:
        model = Practice
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
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
            "start_year",
            "end_year",
            "source_fiche",
            "contact_name",
            "contact_email",
            "contact_url",
            "status",
            "published_at",
            "key_figures",
        ]
        export_order = fields
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = False
        report_skipped = True

    @classmethod
    def get_result_class(cls):
        return SpreadsheetResult

    def get_queryset(self):
        return (
            Practice.objects.not_deleted()
            .select_related("department", "source_fiche")
            .prefetch_related("levers", "sectors", "partners", "key_figures")
        )

    def import_data(self, dataset, *args, **kwargs):
        # All or nothing: a row that fails validation cancels the whole file too.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)

    def export_field(self, field, instance, **kwargs):
        # Text typed by visitors (/proposer/) must not run as a formula in an editor's
        # spreadsheet; before_import_row takes the quote off again.
        return to_spreadsheet_cell(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            # Empty XLSX cells read as None; text fields store "" for « nothing ».
            row[column] = "" if value is None else from_spreadsheet_cell(value)
        for column in ("slug", "title"):
            if column in row and isinstance(row[column], str):
                row[column] = row[column].strip()

    def import_instance(self, instance, row, **kwargs):
        old_status, old_date = workflow.stored_state(instance)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors.setdefault(field.attribute, []).append(str(error))
        levers_given = str(row.get("leviers") or "").strip()
        if (instance.pk is None or "leviers" in row) and not levers_given:
            errors.setdefault("levers", []).append("Indiquez au moins un levier (slug).")
        if not instance.status:
            instance.status = old_status or Practice.Status.DRAFT
        if not instance.evidence_level:
            # An empty cell: the default level rather than an error.
            instance.evidence_level = Practice.EvidenceLevel.DECLARED
        instance.published_at = Practice.publication_date(
            instance.status, instance.published_at, first_published=old_date
        )
        user = kwargs.get("user")
        try:
            workflow.check_transition(user, old_status, instance.status)
        except ValidationError as error:
            errors.setdefault("status", []).extend(error.messages)
        else:
            # Checked when the status passes: a refused « publiée » dates the row too.
            try:
                workflow.check_publication_date(user, old_date, instance.published_at)
            except ValidationError as error:
                errors.setdefault("published_at", []).extend(error.messages)
        if "chiffres_cles" in row:
            try:
                instance._imported_figures = KeyFiguresField.parse(row["chiffres_cles"])
            except ValueError as error:
                errors.setdefault("chiffres_cles", []).append(str(error))
        if errors:
            raise ValidationError(self.by_column(errors))

    def by_column(self, errors):
        """{column of the file: messages} from {model field: messages}: the preview names
        each error after the column the editor typed in (« publiee_le », not
        « published_at »)."""
        columns = {f.attribute: f.column_name for f in self.get_import_fields() if f.attribute}
        by_column = {}
        for name, messages in errors.items():
            by_column.setdefault(columns.get(name, name), []).extend(messages)
        return by_column

    def before_save_instance(self, instance, row, **kwargs):
        # import_instance has refused what it could explain; this is the guard every path shares.
        put_back = workflow.enforce_publication_rights(kwargs.get("user"), instance)
        if put_back:
            raise ValidationError(
                self.by_column({name: [workflow.NOT_ALLOWED_TO_PUBLISH] for name in put_back})
            )

    def save_instance(self, instance, is_create, row, **kwargs):
        user = kwargs.get("user")
        if not is_create and revisions.goes_to_review(user, instance):
            # An Éditeur's row for a published practice waits for review, as in the form.
            relations = {
                field.attribute: [item.pk for item in field.clean(row, **kwargs)]
                for field in self.get_import_fields()
                if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row
            }
            figures = getattr(instance, "_imported_figures", None)
            if figures is not None:
                relations["key_figures"] = figures
            data = revisions.snapshot_with(instance, **relations)
            revisions.submit(instance, data, user)
            instance._went_to_review = True
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if getattr(instance, "_went_to_review", False):
            return
        super().save_m2m(instance, row, **kwargs)
        figures = getattr(instance, "_imported_figures", None)
        if figures is not None:
            instance.key_figures.all().delete()
            for figure in figures:
                KeyFigure.objects.create(practice=instance, **figure)
        instance.refresh_search_text()
