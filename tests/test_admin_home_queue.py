"""The admin home shows what waits: for a Responsable, the queue with counts and links to
the filtered lists; for everyone, their drafts and what was sent back with its comment."""

import re
from html import unescape

import pytest
from django.utils import timezone

from practices.models import Practice
from practices.revisions import PracticeRevision, send_back, submit
from tests.factories import make_lever, make_practice, make_staff

pytestmark = pytest.mark.django_db

EDITORS = "Éditeurs"
PUBLISHERS = "Responsables éditoriaux"
Status = Practice.Status


def home(client):
    return unescape(client.get("/admin/").content.decode())


def count_of(page, label):
    match = re.search(
        r'<a href="([^"]+)"><span class="review-queue__count">(\d+)</span> ' + label, page
    )
    assert match, f"no « {label} » in the queue"
    return int(match.group(2)), match.group(1)


@pytest.fixture
def queue_content():
    lever = make_lever()
    make_practice(levers=[lever], status=Status.PROPOSED, published_at=None)
    make_practice(levers=[lever], status=Status.PROPOSED, published_at=None)
    make_practice(levers=[lever], status=Status.REVIEW, published_at=None)
    make_practice(levers=[lever], published_at=timezone.now() + timezone.timedelta(days=3))
    published = make_practice(levers=[lever])
    editor = make_staff(EDITORS, username="claire")
    data = {**_data(published), "title": "Titre proposé"}
    submit(published, data, editor)
    return editor, published


def _data(practice):
    from practices.revisions import snapshot

    return snapshot(practice)


def test_a_publisher_sees_each_queue_with_its_count_and_link(
    client, queue_content, django_assert_max_num_queries
):
    client.force_login(make_staff(PUBLISHERS))
    with django_assert_max_num_queries(16):
        page = home(client)
    assert count_of(page, "Propositions à traiter") == (
        2,
        "/admin/practices/practice/?status__exact=proposed",
    )
    assert count_of(page, "Pratiques en relecture")[0] == 1
    assert count_of(page, "Révisions de pratiques publiées en relecture")[0] == 1
    count, url = count_of(page, "Publications programmées")
    assert count == 1
    listed = unescape(client.get(url).content.decode())
    assert "1 pratique" in listed


def test_the_links_open_lists_with_exactly_the_counted_rows(client, queue_content):
    client.force_login(make_staff(PUBLISHERS))
    page = home(client)
    for label in ("Propositions à traiter", "Pratiques en relecture"):
        count, url = count_of(page, label)
        response = client.get(url)
        assert response.context["cl"].result_count == count


def test_an_editor_sees_their_drafts_and_what_was_sent_back(client, queue_content):
    editor, published = queue_content
    client.force_login(editor)
    response = client.post(
        "/admin/practices/practice/add/",
        {
            "title": "Mon brouillon",
            "slug": "mon-brouillon",
            "summary": "Résumé.",
            "authority_type": "departement",
            "authority_name": "Département",
            "department": "62",
            "levers": [make_lever().pk],
            "start_year": "2020",
            "status": "draft",
            "evidence_level": "declaratif",
            "key_figures-TOTAL_FORMS": "0",
            "key_figures-INITIAL_FORMS": "0",
            "recognitions-TOTAL_FORMS": "0",
            "recognitions-INITIAL_FORMS": "0",
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    send_back(PracticeRevision.objects.get(), make_staff(PUBLISHERS, username="rose"), "Sourcez.")
    page = home(client)
    assert "À traiter" not in page
    count, url = count_of(page, "Mes brouillons")
    assert count == 1
    assert client.get(url).context["cl"].result_count == 1
    assert "rose : « Sourcez. »" in page
    assert f'href="/admin/practices/practice/{published.pk}/change/"' in page
