"""Read-only JSON API of published practices, levers and departments (open data).

The practice list takes the list page's parameters through the same FilterSet, so a
partner gets exactly the practices a visitor sees. Bad parameters get a 400 with the
form's French messages; nothing here can answer a 500 on user input. Described by the
OpenAPI document in practices/openapi.py, served at /api/openapi.json.
"""

from functools import wraps

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.views.decorators.csrf import csrf_exempt

from levers.models import LegalBasis, Lever
from procurement_portal.forms import has_control_characters
from procurement_portal.links import absolute_url
from procurement_portal.page_cache import query_parameters

from .filters import PracticeFilter
from .models import EVIDENCE_EXPLANATIONS, Department, Practice, with_counts
from .openapi import LICENCE, openapi_document

PAGE_SIZE = 20
MAX_PAGE = 100_000
ALLOWED_METHODS = ("GET", "HEAD")


def json_response(data, status=200):
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Open data: any site may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def json_error(status, message, errors=None):
    body = {"message": message}
    if errors is not None:
        body["erreurs"] = errors
    return json_response(body, status=status)


def api_view(view):
    """GET and HEAD only (405 with a JSON body otherwise), CORS open."""

    # Read-only, so no CSRF risk: other methods get the API's JSON 405 rather than the
    # CSRF middleware's HTML 403.
    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ALLOWED_METHODS:
            response = json_error(405, "Cette API est en lecture seule : utilisez GET.")
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _url(request, name, *args):
    try:
        return absolute_url(request, reverse(name, args=args))
    except NoReverseMatch:  # the page does not exist (yet)
        return None


def _iso(value):
    return value.isoformat() if value else None


def _number(value):
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


# Serializers -------------------------------------------------------------------------


def practice_data(practice, request, detail=False):
    department = practice.department
    region = department.region
    fiche = practice.source_fiche
    data = {
        "slug": practice.slug,
        "titre": practice.title,
        "resume": practice.summary,
        "url": absolute_url(request, practice.get_absolute_url()),
        "collectivite": {
            "type": practice.authority_type,
            "type_libelle": practice.get_authority_type_display(),
            "nom": practice.authority_name,
        },
        "departement": {"code": department.code, "nom": department.name},
        "region": {"code": region.code, "nom": region.name},
        "leviers": [{"slug": lever.slug, "nom": lever.name} for lever in practice.levers.all()],
        "secteurs": [{"slug": s.slug, "nom": s.name} for s in practice.sectors.all()],
        "partenaires": [{"slug": p.slug, "nom": p.name} for p in practice.partners.all()],
        "chiffres_cles": [
            {
                "libelle": figure.label,
                "valeur": _number(figure.value),
                "unite": figure.unit,
                "periode": figure.period,
            }
            for figure in practice.key_figures.all()
        ],
        "niveau_de_preuve": {
            "code": practice.evidence_level,
            "libelle": practice.get_evidence_level_display(),
            "explication": EVIDENCE_EXPLANATIONS.get(practice.evidence_level, ""),
        },
        "annee_debut": practice.start_year,
        "annee_fin": practice.end_year,
        "publiee_le": _iso(practice.published_at),
        "modifiee_le": _iso(practice.updated_at),
        "fiche_source": (
            {
                "slug": fiche.slug,
                "titre": fiche.title,
                "numero": fiche.number,
                "kit": fiche.kit.name,
                "parue_le": _iso(fiche.published_on),
                "url": _url(request, "levers:fiche_detail", fiche.slug),
            }
            if fiche
            else None
        ),
    }
    if detail:
        data["description"] = practice.body
        data["conditions_de_reussite"] = practice.success_conditions
        data["points_de_vigilance"] = practice.watch_points
        data["moyens"] = practice.means
        data["documents"] = [
            {
                "titre": document.title,
                "type": document.kind,
                "type_libelle": document.get_kind_display(),
                "format": document.format_label,
                "taille_octets": document.size,
                "url": absolute_url(request, document.url),
            }
            for document in practice.documents.all()
        ]
    return data


def api_practices():
    """Published practices with everything practice_data() reads, in constant queries."""
    return (
        Practice.objects.published()
        .select_related("department__region", "source_fiche__kit")
        .prefetch_related("levers", "sectors", "partners", "key_figures")
    )


# Views ---------------------------------------------------------------------------------


class PageForm(forms.Form):
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": "Indiquez un numéro de page en chiffres, par exemple 2.",
            "min_value": "Les pages sont numérotées à partir de 1.",
            "max_value": "Ce numéro de page est trop grand.",
        },
    )


def _errors(*forms_):
    errors = {}
    for form in forms_:
        for name, messages in form.errors.items():
            errors.setdefault(name, []).extend(str(m) for m in messages)
    return errors


def _page_url(request, number):
    params = request.GET.copy()
    params["page"] = str(number)
    return absolute_url(request, f"{request.path}?{params.urlencode()}")


@api_view
@query_parameters(*PracticeFilter.base_filters, "page")
def practice_list(request):
    # Built exactly as the list page builds it, so both return the same practices.
    filterset = PracticeFilter(request.GET or None, queryset=api_practices(), request=request)
    page_form = PageForm({"page": request.GET.get("page")} if "page" in request.GET else {})
    filters_valid = not filterset.is_bound or filterset.is_valid()
    if not (filters_valid and page_form.is_valid()):
        return json_error(
            400,
            "Paramètres invalides.",
            _errors(filterset.form, page_form) if filterset.is_bound else _errors(page_form),
        )
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    number = page_form.cleaned_data["page"] or 1
    if number > paginator.num_pages:
        return json_error(404, f"Cette page n'existe pas : il y en a {paginator.num_pages}.")
    page = paginator.page(number)
    return json_response(
        {
            "nombre": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "suivante": _page_url(request, number + 1) if page.has_next() else None,
            "precedente": _page_url(request, number - 1) if page.has_previous() else None,
            "resultats": [practice_data(p, request) for p in page.object_list],
        }
    )


@api_view
def practice_detail(request, slug):
    practice = None
    # A NUL byte would be refused by PostgreSQL: such a slug exists nowhere anyway.
    if len(slug) <= 200 and not has_control_characters(slug):
        practice = api_practices().filter(slug=slug).first()
    if practice is None:
        return json_error(404, "Aucune pratique publiée ne porte cet identifiant.")
    prefetch_related_objects([practice], "documents")
    return json_response(practice_data(practice, request, detail=True))


@api_view
def lever_list(request):
    levers = with_counts(
        Lever.objects.order_by("position", "name").prefetch_related(
            Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("position", "code"))
        ),
        Practice.objects.published().count_by("levers"),
    )
    return json_response(
        {
            "nombre": len(levers),
            "resultats": [
                {
                    "slug": lever.slug,
                    "nom": lever.name,
                    "famille": {"code": lever.family, "libelle": lever.get_family_display()},
                    "resume": lever.summary,
                    "url": _url(request, "levers:detail", lever.slug),
                    "nombre_pratiques": lever.n,
                    "bases_legales": [
                        {
                            "reference": basis.code,
                            "texte": basis.source,
                            "intitule": basis.title,
                            "precisions": basis.description,
                            "url": basis.url or None,
                            "en_vigueur_depuis": _iso(basis.valid_from),
                            "en_vigueur_jusqu_au": _iso(basis.valid_until),
                        }
                        for basis in lever.legal_bases.all()
                    ],
                }
                for lever in levers
            ],
        }
    )


@api_view
def department_list(request):
    departments = with_counts(
        Department.objects.select_related("region").order_by("code"),
        Practice.objects.published().count_by("department"),
    )
    return json_response(
        {
            "nombre": len(departments),
            "resultats": [
                {
                    "code": department.code,
                    "nom": department.name,
                    "region": {"code": department.region.code, "nom": department.region.name},
                    "url": _url(request, "practices:department_detail", department.code),
                    "nombre_pratiques": department.n,
                }
                for department in departments
            ],
        }
    )


@api_view
def openapi(request):
    return json_response(openapi_document(absolute_url(request, "/api/")))


@api_view
def index(request):
    return json_response(
        {
            "description": "API ouverte des pratiques de commande publique responsable.",
            "licence": LICENCE,
            "openapi": _url(request, "api:openapi"),
            "pratiques": _url(request, "api:practice_list"),
            "leviers": _url(request, "api:lever_list"),
            "departements": _url(request, "api:department_list"),
        }
    )


@api_view
def not_found(request, path=""):
    # What APPEND_SLASH would have done, had this catch-all not matched first.
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match and match.func is not not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    return json_error(404, "Cette adresse n'existe pas dans l'API ; voir /api/openapi.json.")
