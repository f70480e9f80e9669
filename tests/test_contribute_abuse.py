"""/proposer/ against robots and floods: CSRF, honeypot, the shared rate limit, methods."""

import hashlib
import re
import time
from types import SimpleNamespace

from django.core import mail
from django.test import Client

from practices.models import Contribution, Practice
from procurement_portal.rate_limit import RateLimit

from .conftest import PROPOSE_DONE_URL as DONE_URL
from .conftest import PROPOSE_URL as URL
from .conftest import page_text, post, retry_after
from .factories import proposal_data
from .servers import ROOT


def test_form_requires_a_csrf_token(lever):
    response = Client(enforce_csrf_checks=True).post(URL, proposal_data(lever))

    assert response.status_code == 403
    assert not Practice.objects.exists()
    # The portal's own French page, which tells the visitor what to do.
    text = page_text(response)
    assert '<html lang="fr">' in text
    assert "Votre envoi n'a pas pu être vérifié" in text
    assert "Rechargez la page du formulaire" in text


def test_honeypot_is_hidden_from_people_without_inline_style(client, lever):
    html = client.get(URL).content.decode()

    wrapper = re.search(r'<div class="hp-field" aria-hidden="true">(.*?)</div>', html, re.S)
    assert wrapper, "the honeypot wrapper is missing"
    field = re.search(r"<input[^>]*name=\"site_web\"[^>]*>", wrapper.group(1)).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field
    assert "style=" not in html
    assert "<style" not in html
    assert "css/contribute.css" in html
    css = (ROOT / "static" / "css" / "contribute.css").read_text()
    assert re.search(r"\.hp-field\s*\{[^}]*position:\s*absolute", css)


def test_filled_honeypot_saves_nothing_and_sends_nothing(client, lever, editors):
    response = post(client, proposal_data(lever, site_web="https://spam.example"))

    # The robot is shown the usual confirmation, so it learns nothing.
    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    assert not Practice.objects.exists()
    assert not Contribution.objects.exists()
    assert mail.outbox == []


def test_rate_limit_answers_a_french_429_page(client, lever, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 2
    for n in range(2):
        assert post(client, proposal_data(lever, title=f"Pratique {n}")).status_code == 302

    response = post(client, proposal_data(lever, title="Une de trop"))

    assert response.status_code == 429
    wait = retry_after(response)
    text = page_text(response)
    assert f"Réessayez dans {-(-wait // 60)} minute" in text
    assert '<html lang="fr">' in text
    assert "Trop de propositions envoyées" in text
    assert "2 propositions au plus" in text
    assert Practice.objects.count() == 2
    # Another address is not affected.
    other = post(client, proposal_data(lever, title="Ailleurs"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302
    # Reading the form is never limited.
    assert client.get(URL).status_code == 200


def test_the_wait_the_429_page_announces_is_the_wait_needed(client, lever, settings, monkeypatch):
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    now = [time.time()]
    # django-ratelimit's clock only: its hourly windows, not the cache's expiry.
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: now[0]))
    assert post(client, proposal_data(lever, title="Une")).status_code == 302
    refused = post(client, proposal_data(lever, title="Deux"))
    assert refused.status_code == 429
    wait = retry_after(refused)

    now[0] += wait - 1
    assert post(client, proposal_data(lever, title="Trop tôt")).status_code == 429
    now[0] += 1
    assert post(client, proposal_data(lever, title="Trois")).status_code == 302
    assert set(Practice.objects.values_list("title", flat=True)) == {"Une", "Trois"}


def test_rate_limit_key_cannot_be_traced_back_to_the_address(client, lever, settings):
    request = Client().get(URL).wsgi_request  # REMOTE_ADDR 127.0.0.1
    key = RateLimit(request, "proposals", 5).client_key
    # Hashing alone would let anyone reading the cache try every IPv4 address.
    assert hashlib.sha256(b"127.0.0.1").hexdigest()[:32] not in key
    settings.SECRET_KEY = "another-secret"
    assert RateLimit(request, "proposals", 5).client_key != key


def test_rate_limit_holds_when_concurrent_requests_pass_the_first_check(
    client, lever, settings, monkeypatch
):
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    # As if both requests had been checked before either was counted.
    monkeypatch.setattr("procurement_portal.rate_limit.RateLimit.exceeded", lambda self: False)

    assert post(client, proposal_data(lever)).status_code == 302
    assert post(client, proposal_data(lever)).status_code == 429
    assert Practice.objects.count() == 1


def test_rate_limit_counts_the_client_behind_trusted_proxies(client, lever, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    first = post(client, proposal_data(lever), HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = post(client, proposal_data(lever), HTTP_X_FORWARDED_FOR="198.51.100.2")
    again = post(client, proposal_data(lever), HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert [first.status_code, second.status_code, again.status_code] == [302, 302, 429]


def test_rate_limit_counts_an_ipv6_client_per_64_network(client, lever, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    first = post(client, proposal_data(lever), REMOTE_ADDR="2001:db8:1:2::1")
    # Another address of the same /64: the same subscriber.
    same = post(client, proposal_data(lever), REMOTE_ADDR="2001:db8:1:2:ffff:0:0:9")
    other = post(client, proposal_data(lever), REMOTE_ADDR="2001:db8:1:3::1")
    assert [first.status_code, same.status_code, other.status_code] == [302, 429, 302]


def test_rate_limit_reads_an_ipv4_mapped_address_as_ipv4(rf):
    from procurement_portal.rate_limit import rate_limit_client

    assert rate_limit_client(rf.get("/", REMOTE_ADDR="::ffff:203.0.113.9")) == "203.0.113.9"
    assert rate_limit_client(rf.get("/", REMOTE_ADDR="203.0.113.9")) == "203.0.113.9"
    assert rate_limit_client(rf.get("/", REMOTE_ADDR="2001:db8::5")) == "2001:db8::/64"


def test_invalid_submissions_do_not_use_up_the_rate_limit(client, lever, settings):
    settings.PORTAL_PROPOSALS_PER_HOUR = 1
    for _ in range(3):
        assert post(client, proposal_data(lever, title="")).status_code == 200

    assert post(client, proposal_data(lever)).status_code == 302


def test_other_methods_are_refused(client, db):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405
