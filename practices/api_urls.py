"""/api/: the read-only open data API (see practices/api.py)."""

from django.urls import path, re_path

from . import api

app_name = "api"

urlpatterns = [
    path("", api.index, name="index"),
    path("openapi.json", api.openapi, name="openapi"),
    path("pratiques/", api.practice_list, name="practice_list"),
    # Any slug reaches the view, which answers a JSON 404 for what it does not know.
    path("pratiques/<str:slug>/", api.practice_detail, name="practice_detail"),
    path("leviers/", api.lever_list, name="lever_list"),
    path("departements/", api.department_list, name="department_list"),
    re_path(r"^(?P<path>.*)$", api.not_found),
]
