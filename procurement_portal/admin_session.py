"""An admin form posted after the editor's session ended (expired, logged out in another
tab, a new secret key): Django redirected it to the login page, and the text typed was
lost, since the browser's « Retour » reloads the form empty from the server. This page
shows it instead, to copy before logging in again (in another tab, so that it stays)."""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.shortcuts import render
from django.utils.text import capfirst

TEXT_FIELDS = (models.CharField, models.TextField)


class KeepTextOnEndedSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        model_admin = getattr(view_func, "model_admin", None)  # set on ModelAdmin's views
        if (
            request.method != "POST"
            or model_admin is None
            or model_admin.admin_site.has_permission(request)
        ):
            return None
        context = {"typed": typed_texts(model_admin.model, request.POST), "path": request.path}
        return render(request, "admin/session_ended.html", context, status=403)


def typed_texts(model, data):
    """[(label, text)] of the text fields the form posted, its inline rows' included:
    « Description détaillée », « Chiffre clé 1 : libellé »."""
    typed = []
    for name, value in data.items():
        if not value.strip():
            continue
        prefix, _, rest = name.partition("-")
        index, _, field_name = rest.partition("-")
        if field_name and index.isdigit():
            label = _label(_related_model(model, prefix), field_name)
            if label:
                noun = _related_model(model, prefix)._meta.verbose_name
                typed.append((f"{capfirst(noun)} {int(index) + 1} : {label}", value))
        else:
            label = _label(model, name)
            if label:
                typed.append((capfirst(label), value))
    return typed


def _related_model(model, accessor):
    try:
        return model._meta.get_field(accessor).related_model
    except FieldDoesNotExist:
        return None


def _label(model, name):
    """The field's name for editors, if it is a text field they type (else None)."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if isinstance(field, TEXT_FIELDS) and not field.choices and field.editable:
        return str(field.verbose_name)
    return None
