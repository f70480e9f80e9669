"""workflow.enforce_publication_rights: the one guard on status, published_at and deleted_at,
whatever the path that saves a practice."""

import pytest
from django.utils import timezone

from practices import workflow
from practices.models import Practice
from tests.factories import make_lever, make_practice, make_staff

pytestmark = pytest.mark.django_db

EDITORS = "Éditeurs"
PUBLISHERS = "Responsables éditoriaux"


def test_an_editor_cannot_change_the_three_fields_of_a_stored_practice():
    practice = make_practice(levers=[make_lever()])
    stored_date = practice.published_at
    practice.status = Practice.Status.ARCHIVED
    practice.published_at = timezone.now() + timezone.timedelta(days=3)
    practice.deleted_at = timezone.now()

    put_back = workflow.enforce_publication_rights(make_staff(EDITORS), practice)

    assert sorted(put_back) == ["deleted_at", "published_at", "status"]
    assert practice.status == Practice.Status.PUBLISHED
    assert practice.published_at == stored_date
    assert practice.deleted_at is None


def test_an_editor_may_move_a_draft_to_review_and_change_other_fields():
    practice = make_practice(status=Practice.Status.DRAFT, published_at=None)
    practice.status = Practice.Status.REVIEW
    practice.title = "Autre titre"
    assert workflow.enforce_publication_rights(make_staff(EDITORS), practice) == []
    assert practice.status == Practice.Status.REVIEW


def test_a_new_practice_from_an_editor_is_neither_published_nor_in_the_bin():
    practice = Practice(
        title="Nouvelle",
        slug="nouvelle",
        status=Practice.Status.PUBLISHED,
        published_at=timezone.now(),
        deleted_at=timezone.now(),
    )
    put_back = workflow.enforce_publication_rights(make_staff(EDITORS), practice)
    assert sorted(put_back) == ["deleted_at", "published_at", "status"]
    assert practice.status == Practice.Status.DRAFT


def test_a_publisher_changes_status_and_date_but_the_bin_only_through_the_bin():
    publisher = make_staff(PUBLISHERS)
    practice = make_practice()
    practice.published_at = timezone.now() + timezone.timedelta(days=3)
    practice.deleted_at = timezone.now()
    assert workflow.enforce_publication_rights(publisher, practice) == ["deleted_at"]
    assert practice.deleted_at is None

    workflow.soft_delete(practice, publisher)
    assert Practice.objects.get(pk=practice.pk).deleted_at is not None


def test_the_bin_refuses_users_without_the_delete_permission():
    practice = make_practice()
    with pytest.raises(PermissionError):
        workflow.soft_delete(practice, make_staff(EDITORS))
    assert Practice.objects.get(pk=practice.pk).deleted_at is None


def test_a_duplicate_by_an_editor_is_a_draft_outside_the_bin():
    practice = make_practice(levers=[make_lever()])
    workflow.soft_delete(practice, make_staff(PUBLISHERS))
    practice.refresh_from_db()
    copy = workflow.duplicate_as_draft(practice, make_staff(EDITORS))
    assert (copy.status, copy.published_at, copy.deleted_at) == (Practice.Status.DRAFT, None, None)


def test_the_import_holds_through_the_guard_even_past_its_own_checks(monkeypatch):
    import tablib

    from practices.resources import PracticeResource

    # As if import_instance's explanations were missing: the guard alone must refuse.
    monkeypatch.setattr(workflow, "check_transition", lambda *args: None)
    monkeypatch.setattr(workflow, "check_publication_date", lambda *args: None)
    lever = make_lever(slug="marches-reserves")
    # A draft: an Éditeur's row for a published practice goes to review instead (issue 16).
    practice = make_practice(
        levers=[lever], slug="alpha", status=Practice.Status.DRAFT, published_at=None
    )
    export = PracticeResource().export(queryset=Practice.objects.filter(pk=practice.pk))
    exported = tablib.Dataset().load(export.export("csv"), format="csv")
    values = dict(zip(exported.headers, exported[0], strict=True))
    values.update(statut="published", publiee_le="2020-01-01 10:00:00")
    edited = tablib.Dataset(list(values.values()), headers=list(values))

    result = PracticeResource().import_data(edited, user=make_staff(EDITORS))

    assert result.has_validation_errors()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.DRAFT
    assert practice.published_at is None
