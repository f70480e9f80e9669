from django.urls import path, re_path
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from procurement_portal.page_cache import query_parameters

from . import (
    compare,
    contact,
    contribute,
    exports,
    landscape_views,
    pages,
    suggestions,
    views,
)
from .feeds import PracticeFeed
from .filters import PracticeFilter

app_name = "practices"

urlpatterns = [
    path("", views.home, name="home"),
    path("pratiques/", views.practice_list, name="list"),
    # Fixed paths under pratiques/ (feed, export…) go here, above the <slug> route.
    path(
        "pratiques/flux/",
        query_parameters(*PracticeFilter.base_filters)(require_safe(PracticeFeed())),
        name="feed",
    ),
    path("pratiques/export.csv", exports.export_csv, name="export_csv"),
    path("pratiques/comparer/", query_parameters("pratique")(compare.compare), name="compare"),
    path("pratiques/<slug:slug>/", views.practice_detail, name="detail"),
    path("pratiques/<slug:slug>/contacter/", contact.contact, name="contact"),
    path(
        "pratiques/<slug:slug>/contacter/merci/",
        query_parameters("transmis")(contact.contact_done),
        name="contact_done",
    ),
    path("pratiques/<slug:slug>/suggerer/", suggestions.suggest, name="suggest"),
    path("pratiques/<slug:slug>/suggerer/merci/", suggestions.suggest_done, name="suggest_done"),
    path("departements/", views.department_list, name="department_list"),
    # INSEE codes only (01, 2A, 976): anything else is a 404 before any query.
    re_path(
        r"^departements/(?P<code>[0-9A-Za-z]{2,3})/$",
        views.department_detail,
        name="department_detail",
    ),
    path("carte/", landscape_views.practice_map, name="map"),
    path("statistiques/", landscape_views.statistics, name="statistics"),
    path("statistiques/export.csv", landscape_views.statistics_csv, name="statistics_csv"),
    path("proposer/", contribute.propose, name="propose"),
    path("proposer/merci/", contribute.propose_done, name="propose_done"),
    path(
        "donnees/",
        require_safe(TemplateView.as_view(template_name="pages/donnees.html")),
        name="open_data",
    ),
    # The pages every French public-sector site must have (footer of every page).
    path("accessibilite/", pages.accessibility, name="accessibilite"),
    path("mentions-legales/", pages.legal_notices, name="mentions_legales"),
    path("donnees-personnelles/", pages.personal_data, name="donnees_personnelles"),
    path("plan-du-site/", pages.site_map, name="site_map"),
    path("contact/", pages.contact, name="contact"),
    path("contact/merci/", pages.contact_done, name="contact_done"),
]
