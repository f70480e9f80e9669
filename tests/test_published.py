"""Only published, due, non-deleted practices reach public querysets."""

import pytest
from django.utils import timezone

from practices.models import Practice
from tests.factories import make_fiche, make_lever, make_practice

pytestmark = pytest.mark.django_db


def test_published_lists_only_published_practices():
    visible = make_practice()
    for status in ("proposed", "draft", "review", "archived"):
        make_practice(status=status, published_at=None)
    assert list(Practice.objects.published()) == [visible]


def test_scheduled_publication_stays_hidden_until_its_date():
    future = timezone.now() + timezone.timedelta(days=2)
    scheduled = make_practice(published_at=future)
    assert scheduled not in Practice.objects.published()
    assert scheduled in Practice.objects.published(now=future + timezone.timedelta(seconds=1))


def test_deleted_practices_are_never_public():
    practice = make_practice()
    Practice.objects.filter(pk=practice.pk).update(deleted_at=timezone.now())
    assert not Practice.objects.published().exists()


def test_republishing_keeps_the_first_publication_date():
    practice = make_practice()
    first = practice.published_at
    practice.unpublish()
    practice.save()
    practice.publish()
    practice.save()
    assert practice.published_at == first


def test_count_by_counts_published_practices_per_lever_department_and_fiche():
    spaser, clauses, unused = make_lever(), make_lever(), make_lever()
    fiche = make_fiche()
    make_practice(levers=[spaser, clauses], department="62", source_fiche=fiche)
    make_practice(levers=[spaser], department="62")
    make_practice(levers=[clauses], department="976")
    make_practice(levers=[spaser], department="35", status="draft", published_at=None)
    make_practice(levers=[spaser], department="35", deleted_at=timezone.now())
    published = Practice.objects.published()
    assert published.count_by("levers") == {spaser.pk: 2, clauses.pk: 2}
    assert unused.pk not in published.count_by("levers")
    assert published.count_by("department") == {"62": 2, "976": 1}
    assert published.count_by("source_fiche") == {fiche.pk: 1}
