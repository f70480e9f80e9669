"""Editorial workflow: transitions, bulk publish/unpublish, first and scheduled publication."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from practices import workflow
from practices.models import Practice
from tests.factories import make_lever, make_practice, make_staff, practice_admin_form_data

pytestmark = pytest.mark.django_db

EDITORS = "Éditeurs"
PUBLISHERS = "Responsables éditoriaux"
CHANGELIST = "/admin/practices/practice/"
Status = Practice.Status


def action(client, name, practices):
    return client.post(CHANGELIST, {"action": name, "_selected_action": [p.pk for p in practices]})


def test_publish_action_publishes_several_and_sets_the_first_publication_date(client):
    drafts = [
        make_practice(levers=[make_lever()], status=Status.REVIEW, published_at=None)
        for _ in range(3)
    ]
    client.force_login(make_staff(PUBLISHERS))
    before = timezone.now()
    response = action(client, "publish_selected", drafts)
    assert response.status_code == 302
    for practice in drafts:
        practice.refresh_from_db()
        assert practice.status == Status.PUBLISHED
        assert practice.published_at >= before
    assert Practice.objects.published().count() == 3


def test_republishing_keeps_the_first_publication_date(client):
    first = timezone.now() - timedelta(days=400)
    practice = make_practice(levers=[make_lever()], status=Status.ARCHIVED, published_at=first)
    client.force_login(make_staff(PUBLISHERS))
    action(client, "publish_selected", [practice])
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED
    assert practice.published_at == first


def test_unpublish_action_archives(client):
    practices = [make_practice(levers=[make_lever()]) for _ in range(2)]
    client.force_login(make_staff(PUBLISHERS))
    action(client, "unpublish_selected", practices)
    assert set(Practice.objects.values_list("status", flat=True)) == {Status.ARCHIVED}
    assert not Practice.objects.published().exists()


def test_editor_posting_the_publish_action_changes_nothing(client):
    practice = make_practice(levers=[make_lever()], status=Status.REVIEW, published_at=None)
    published = make_practice(levers=[make_lever()])
    client.force_login(make_staff(EDITORS))
    action(client, "publish_selected", [practice])
    action(client, "unpublish_selected", [published])
    practice.refresh_from_db()
    published.refresh_from_db()
    assert practice.status == Status.REVIEW
    assert published.status == Status.PUBLISHED


def test_workflow_refuses_publication_without_the_permission():
    editor = make_staff(EDITORS)
    practice = make_practice(levers=[make_lever()], status=Status.REVIEW, published_at=None)
    with pytest.raises(PermissionError):
        workflow.publish(Practice.objects.filter(pk=practice.pk), editor)
    with pytest.raises(ValidationError):
        workflow.check_transition(editor, Status.REVIEW, Status.PUBLISHED)


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        (Status.DRAFT, Status.REVIEW, True),
        (Status.REVIEW, Status.PUBLISHED, True),
        (Status.PUBLISHED, Status.ARCHIVED, True),
        (Status.ARCHIVED, Status.DRAFT, True),
        (Status.PROPOSED, Status.DRAFT, True),
        (Status.PROPOSED, Status.PUBLISHED, False),
        (Status.PUBLISHED, Status.DRAFT, False),
        (Status.DRAFT, Status.PROPOSED, False),
    ],
)
def test_transitions_for_a_publisher(old, new, allowed):
    publisher = make_staff(PUBLISHERS)
    if allowed:
        workflow.check_transition(publisher, old, new)
    else:
        with pytest.raises(ValidationError):
            workflow.check_transition(publisher, old, new)


def test_publisher_schedules_a_publication_with_a_future_date(client):
    practice = make_practice(levers=[make_lever()], status=Status.REVIEW, published_at=None)
    client.force_login(make_staff(PUBLISHERS))
    future = timezone.localtime(timezone.now() + timedelta(days=7))
    data = practice_admin_form_data(
        practice,
        status=Status.PUBLISHED,
        published_at_0=future.strftime("%d/%m/%Y"),
        published_at_1=future.strftime("%H:%M:%S"),
    )
    assert client.post(f"{CHANGELIST}{practice.pk}/change/", data).status_code == 302
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED
    assert not Practice.objects.published().filter(pk=practice.pk).exists()
    assert Practice.objects.published(now=future + timedelta(minutes=1)).filter(pk=practice.pk)
    listing = client.get(CHANGELIST).content.decode()
    assert f"Programmée le {future:%d/%m/%Y}" in listing


def test_a_bad_transition_gets_a_french_error_in_the_form(client):
    practice = make_practice(levers=[make_lever()])
    client.force_login(make_staff(PUBLISHERS))
    data = practice_admin_form_data(practice, status=Status.DRAFT)
    response = client.post(f"{CHANGELIST}{practice.pk}/change/", data)
    assert response.status_code == 200
    assert "ne peut pas passer directement" in response.content.decode()
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED


def post_publication(client, practice, when):
    local = timezone.localtime(when)
    data = practice_admin_form_data(
        practice,
        status=Status.PUBLISHED,
        published_at_0=local.strftime("%d/%m/%Y"),
        published_at_1=local.strftime("%H:%M:%S"),
    )
    response = client.post(f"{CHANGELIST}{practice.pk}/change/", data, follow=True)
    return [str(message) for message in response.context["messages"]]


def test_a_publication_dated_in_the_past_says_it_is_online_at_once(client):
    practice = make_practice(
        levers=[make_lever()], status=Status.REVIEW, published_at=None, title="Cas du 62"
    )
    client.force_login(make_staff(PUBLISHERS))
    said = post_publication(client, practice, timezone.now() - timedelta(days=400))
    assert Practice.objects.published().filter(pk=practice.pk).exists()
    assert any("« Cas du 62 » est en ligne dès maintenant" in m for m in said), said


def test_a_scheduled_publication_says_when_it_will_be_online(client):
    practice = make_practice(
        levers=[make_lever()], status=Status.REVIEW, published_at=None, title="Cas du 62"
    )
    client.force_login(make_staff(PUBLISHERS))
    said = post_publication(client, practice, datetime(2099, 3, 5, 10, 30, tzinfo=UTC))
    assert any(
        "« Cas du 62 » est programmée : elle apparaîtra sur le site le 5 mars 2099 à 11:30" in m
        for m in said
    ), said


def test_saving_a_practice_already_online_does_not_announce_it_again(client):
    practice = make_practice(levers=[make_lever()], title="Cas du 62")
    client.force_login(make_staff(PUBLISHERS))
    said = post_publication(client, practice, practice.published_at)
    assert not any("en ligne" in m or "programmée" in m for m in said), said


@pytest.mark.parametrize("day", ["05/12/0026", "01/01/0001", "01/01/2999"])
def test_a_publication_date_with_a_mistyped_year_is_refused_in_the_form(client, day):
    # « 0026 » for « 2026 » published at once, dated 26 AD; year 1 was a 500.
    practice = make_practice(levers=[make_lever()], status=Status.REVIEW, published_at=None)
    client.force_login(make_staff(PUBLISHERS))
    data = practice_admin_form_data(
        practice, status=Status.PUBLISHED, published_at_0=day, published_at_1="10:00"
    )
    response = client.post(f"{CHANGELIST}{practice.pk}/change/", data)
    assert response.status_code == 200
    assert "entre 1990 et 2100" in response.content.decode()
    practice.refresh_from_db()
    assert (practice.status, practice.published_at) == (Status.REVIEW, None)


def test_the_publish_action_says_which_practices_are_only_scheduled(client):
    later = datetime(2099, 3, 5, 10, 30, tzinfo=UTC)
    scheduled = make_practice(
        levers=[make_lever()], status=Status.REVIEW, published_at=later, title="Cas du 62"
    )
    now = make_practice(levers=[make_lever()], status=Status.DRAFT, published_at=None)
    client.force_login(make_staff(PUBLISHERS))
    response = client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [scheduled.pk, now.pk]},
        follow=True,
    )
    said = [str(message) for message in response.context["messages"]]
    assert "2 pratique(s) publiée(s)." in said
    assert any("« Cas du 62 » (le 5 mars 2099 à 11:30)" in m for m in said), said
    assert not Practice.objects.published().filter(pk=scheduled.pk).exists()
