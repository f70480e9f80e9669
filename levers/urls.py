from django.urls import path

from . import views

app_name = "levers"

urlpatterns = [
    path("leviers/", views.lever_list, name="list"),
    path("leviers/<slug:slug>/", views.lever_detail, name="detail"),
    path("fiches/", views.fiche_list, name="fiche_list"),
    path("fiches/<slug:slug>/", views.fiche_detail, name="fiche_detail"),
]
