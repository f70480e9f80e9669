from django.urls import path, re_path
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from . import contribute, exports, landscape_views, views
from .feeds import PracticeFeed

app_name = "practices"

urlpatterns = [
    path("", views.home, name="home"),
    path("pratiques/", views.practice_list, name="list"),
    # Fixed paths under pratiques/ (feed, export…) go here, above the <slug> route.
    path("pratiques/flux/", require_safe(PracticeFeed()), name="feed"),
    path("pratiques/export.csv", exports.export_csv, name="export_csv"),
    path("pratiques/<slug:slug>/", views.practice_detail, name="detail"),
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
]
