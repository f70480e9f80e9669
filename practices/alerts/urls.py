from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("alertes/", views.subscribe, name="subscribe"),
    path("alertes/demande-envoyee/", views.sent, name="sent"),
    path("alertes/<slug:token>/", views.manage, name="manage"),
    path("alertes/<slug:token>/confirmer/", views.confirm, name="confirm"),
    path("alertes/<slug:token>/desabonner/", views.unsubscribe, name="unsubscribe"),
]
