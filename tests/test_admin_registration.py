"""Every content model is in the admin, searchable, and every field explains itself to editors."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from tests.factories import make_staff

pytestmark = pytest.mark.django_db

APPS = ("practices", "levers")
# Internal bookkeeping, not content: editors never edit it.
INTERNAL = {"ContentVersion"}


def registered_models():
    return [
        model
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical") and model.__name__ not in INTERNAL
    ]


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m.__name__)
def test_model_is_registered_with_list_and_search(model):
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{model.__name__} is not in the admin"
    assert model_admin.list_display != ("__str__",)
    assert model_admin.search_fields


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m.__name__)
def test_every_form_field_has_a_help_text(model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = make_staff()
    request.user.is_superuser = True
    form = model_admin.get_form(request)
    missing = [name for name, field in form.base_fields.items() if not field.help_text]
    for inline in model_admin.get_inline_instances(request):
        formset = inline.get_formset(request)
        missing += [
            f"{inline.model.__name__}.{name}"
            for name, field in formset.form.base_fields.items()
            if not field.help_text
            and name not in {"id", "DELETE", inline.fk_name or ""}
            and name != formset.fk.name
        ]
    assert not missing, f"{model.__name__}: no help text for {missing}"
