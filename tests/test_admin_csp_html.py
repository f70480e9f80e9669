"""No admin page carries what the strict CSP refuses: inline style attributes, on…
handlers, inline scripts. Third-party templates that do are overridden."""

import pytest

from practices.alerts.models import Subscription
from practices.inbox import ContactMessage, Suggestion
from practices.legal import LegalText
from practices.site_contact import SiteMessage
from tests.conftest import inline_code
from tests.factories import make_lever, make_practice, make_staff, practice_admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice():
    return make_practice(levers=[make_lever()], figures=[("emplois", 12)])


def pages(practice):
    base = "/admin/practices/practice/"
    return [
        "/admin/",
        base,
        f"{base}add/",
        f"{base}{practice.pk}/change/",
        f"{base}{practice.pk}/history/",
        f"{base}{practice.pk}/history/{practice.history.first().history_id}/",
        f"{base}{practice.pk}/delete/",
        f"{base}import/",
        f"{base}export/",
        "/admin/practices/keyfigure/",
        "/admin/practices/contribution/",
        "/admin/levers/lever/",
    ]


def test_admin_pages_have_no_inline_style_handler_or_script(client, practice):
    client.force_login(make_staff("Responsables éditoriaux"))
    found = {}
    for url in pages(practice):
        response = client.get(url)
        assert response.status_code == 200, url
        found.update(inline_code(url, response.content.decode()))
    assert found == {}


def test_the_inboxes_legal_texts_alerts_and_review_pages_have_none_either(client, practice):
    message = ContactMessage.objects.create(
        practice=practice,
        route=ContactMessage.Route.REFERENT,
        sender_name="A",
        sender_email="a@example.org",
        sender_organisation="B",
        message="M",
    )
    suggestion = Suggestion.objects.create(practice=practice, message="M")
    site_message = SiteMessage.objects.create(
        name="A", email="a@example.org", subject="S", message="M"
    )
    subscription = Subscription.objects.create(email="a@example.org", query="q=cantine")
    # An Éditeur's change of a published practice waits for review.
    client.force_login(make_staff("Éditeurs"))
    data = practice_admin_form_data(practice, title="Titre proposé")
    assert client.post(f"/admin/practices/practice/{practice.pk}/change/", data).status_code == 302
    # Subscriptions (addresses) are for the site's administrators only.
    client.force_login(make_staff(is_superuser=True))
    urls = [
        f"/admin/practices/practice/{practice.pk}/relecture/",
        "/admin/practices/contactmessage/",
        f"/admin/practices/contactmessage/{message.pk}/change/",
        "/admin/practices/suggestion/",
        f"/admin/practices/suggestion/{suggestion.pk}/change/",
        "/admin/practices/sitemessage/",
        f"/admin/practices/sitemessage/{site_message.pk}/change/",
        "/admin/practices/legaltext/",
        f"/admin/practices/legaltext/{LegalText.objects.first().pk}/change/",
        "/admin/alerts/subscription/",
        f"/admin/alerts/subscription/{subscription.pk}/change/",
    ]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found.update(inline_code(url, response.content.decode()))
    assert found == {}
