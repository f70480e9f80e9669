"""Every content model is in the admin, searchable, and every field explains itself to editors."""

import warnings

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.paginator import UnorderedObjectListWarning
from django.test import RequestFactory

from tests.factories import make_staff

pytestmark = pytest.mark.django_db

APPS = ("practices", "levers")
# Internal bookkeeping, not content: editors never edit it. The search indexes are
# rebuilt from the practices (practices.search_index).
INTERNAL = {"ContentVersion", "SearchWord", "SearchEntry"}


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


@pytest.mark.parametrize(
    "url",
    [
        "/admin/levers/lever/",
        "/admin/levers/kit/",
        "/admin/practices/region/",
        "/admin/autocomplete/?app_label=practices&model_name=practice&field_name=levers",
    ],
)
def test_lists_with_counts_are_paginated_in_a_stable_order(client, content, url):
    # An annotated count (GROUP BY) drops the default order; Django then warns that pages
    # may overlap. Turned into an error here.
    client.force_login(make_staff(is_superuser=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "app_label=practices&model_name=practice&field_name=key_figures",
        "app_label=levers&model_name=lever&field_name=legal_bases",
    ],
)
def test_autocomplete_refuses_a_relation_named_from_the_other_side(client, content, query):
    url = f"/admin/autocomplete/?{query}&term=a"
    assert client.get(url).status_code == 302  # to the login page, as every admin page
    client.force_login(make_staff(is_superuser=True))
    assert client.get(url).status_code == 403
    real = "/admin/autocomplete/?app_label=practices&model_name=practice&field_name=levers"
    assert client.get(f"{real}&term=clau").json()["results"]
