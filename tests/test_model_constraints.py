"""The database itself refuses bad data, whatever the form."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from levers.models import LegalBasis, Resource
from practices.models import Department, KeyFigure, Practice
from tests.factories import make_fiche, make_lever, make_practice

pytestmark = pytest.mark.django_db


def test_end_year_before_start_year_is_rejected_by_the_database():
    practice = make_practice(start_year=2020)
    practice.end_year = 2019
    with pytest.raises(IntegrityError), transaction.atomic():
        Practice.objects.filter(pk=practice.pk).update(end_year=2019)


def test_end_year_before_start_year_gets_a_clear_french_message():
    practice = make_practice(start_year=2020)
    practice.end_year = 2019
    with pytest.raises(ValidationError) as error:
        practice.full_clean()
    assert "L'année de fin ne peut précéder l'année de début." in str(error.value)


def test_negative_key_figure_is_rejected_by_the_database():
    practice = make_practice()
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyFigure.objects.create(practice=practice, label="x", value=Decimal("-1"))


def test_duplicate_practice_slug_is_rejected():
    make_practice(slug="meme-adresse")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_practice(slug="meme-adresse")


def test_published_practice_without_date_cannot_be_stored():
    practice = make_practice(status=Practice.Status.DRAFT, published_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Practice.objects.filter(pk=practice.pk).update(status=Practice.Status.PUBLISHED)


def test_saving_as_published_sets_the_publication_date():
    practice = make_practice(status=Practice.Status.DRAFT, published_at=None)
    practice.status = Practice.Status.PUBLISHED
    practice.save()
    assert practice.published_at is not None


def test_legal_basis_cannot_end_before_it_starts():
    lever = make_lever()
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalBasis.objects.create(
            lever=lever, code="L1", title="t", valid_from="2023-01-01", valid_until="2022-01-01"
        )


def test_resource_must_belong_to_a_lever_or_a_fiche():
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.create(title="Guide", url="https://example.org/")


def test_two_fiches_of_a_kit_cannot_share_a_number():
    fiche = make_fiche(number=12)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_fiche(kit=fiche.kit, number=12)


def test_a_department_with_practices_cannot_be_deleted():
    make_practice(department="976")
    with pytest.raises(ProtectedError):
        Department.objects.get(code="976").delete()


def test_deleting_a_fiche_keeps_its_practices():
    fiche = make_fiche()
    practice = make_practice(source_fiche=fiche)
    fiche.delete()
    practice.refresh_from_db()
    assert practice.source_fiche is None


def test_key_figures_display_as_french_numbers():
    practice = make_practice()
    figure = KeyFigure.objects.create(practice=practice, label="seuil", value=Decimal("70000"))
    assert figure.display_value == "70\u202f000"
    figure.value = Decimal("12.50")
    assert figure.display_value == "12,50"
