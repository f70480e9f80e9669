"""manage.py send_alerts through a real SMTP server: digests, publication notices, the
editors' summary, erasing unconfirmed subscriptions."""

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.utils import timezone

from practices.alerts import sending
from practices.alerts.models import EditorsSummary, PublicationNotice, Subscription
from practices.models import Practice

from .factories import make_lever, make_practice

SITE = "https://portail.example.org"
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.fixture
def clock(monkeypatch):
    """Moves timezone.now() on, for the command and everything it calls."""
    start = timezone.now()

    def move(**delta):
        moment = start + timedelta(**delta)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    move.start = start
    return move


@pytest.fixture
def lever(db):
    return make_lever(name="Clauses sociales", slug="clauses-sociales")


def run():
    call_command("send_alerts", stdout=io.StringIO())


def confirmed(query="levier=clauses-sociales", frequency="hebdomadaire", at=None, **fields):
    subscription = Subscription.objects.create(
        email=fields.pop("email", "agent@ville.example"), query=query, frequency=frequency
    )
    subscription.confirm(at or timezone.now())
    return subscription


def test_from_a_filtered_list_to_one_digest_and_one_click_unsubscription(
    client, lever, smtp_server, clock
):
    other = make_lever(name="SPASER", slug="spaser")
    make_practice(title="Déjà publiée avant l'alerte", levers=[lever], department="59")
    # Subscribe from the filtered list's form.
    response = client.post(
        "/alertes/",
        {"email": "agent@ville.example", "frequence": "hebdomadaire",
         "levier": "clauses-sociales", "region": "32"},
        HTTP_ORIGIN="http://testserver",
    )  # fmt: skip
    assert response.status_code == 302
    smtp_server.wait_for(1)
    confirm_url = re.search(rf"{SITE}(/alertes/\S+/confirmer/)", smtp_server.body(0)).group(1)
    # A GET shows a button and confirms nothing; the POST confirms.
    assert "Confirmer</button>" in client.get(confirm_url).content.decode()
    assert Subscription.objects.get().confirmed_at is None
    client.post(confirm_url)
    assert Subscription.objects.get().confirmed_at is not None

    # A matching practice is published, and two that do not match.
    new = make_practice(
        title="Clauses sociales à Lille",
        levers=[lever],
        department="59",
        summary="Des heures d'insertion dans les marchés de voirie.",
        published_at=clock.start + timedelta(hours=1),
    )
    make_practice(levers=[other], department="59", published_at=clock.start + timedelta(hours=1))
    make_practice(levers=[lever], department="35", published_at=clock.start + timedelta(hours=1))

    clock(days=8)
    run()
    messages = smtp_server.wait_for(2)
    assert len(messages) == 2
    digest = messages[1]["message"]
    assert messages[1]["to"] == ["agent@ville.example"]
    assert digest["Subject"] == "1 nouvelle pratique : Clauses sociales, Hauts-de-France"
    token = Subscription.objects.get().token
    unsubscribe = f"{SITE}/alertes/{token}/desabonner/"
    assert digest["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert digest["List-Unsubscribe-Post"] == ONE_CLICK
    text, html = smtp_server.body(1), unescape(smtp_server.body(1, "html"))
    for part in (text, html):
        assert "Clauses sociales à Lille" in part
        assert f"{SITE}/pratiques/{new.slug}/" in part
        assert "Nord (59), Hauts-de-France" in part
        assert "Des heures d'insertion" in part
        assert "Déjà publiée" not in part
        assert f"{SITE}/pratiques/?levier=clauses-sociales&region=32&tri=recent" in part
        assert unsubscribe in part
        assert f"{SITE}/alertes/{token}/" in part
    assert Subscription.objects.get().last_sent_at == clock.start + timedelta(days=8)

    # A second run at the same moment sends nothing more.
    run()
    assert smtp_server.wait_for(3, timeout=0.5) == messages

    # One-click unsubscription (RFC 8058): a POST with that body, no CSRF token.
    response = client.post(
        unsubscribe.removeprefix(SITE), ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    make_practice(levers=[lever], department="59", published_at=clock.start + timedelta(days=9))
    clock(days=16)
    run()
    assert len(smtp_server.wait_for(3, timeout=0.5)) == 2


def test_weekly_is_not_due_after_two_days_but_after_eight(lever, smtp_server, clock):
    confirmed(at=clock.start)
    make_practice(levers=[lever], published_at=clock.start + timedelta(hours=1))
    clock(days=2)
    run()
    assert smtp_server.wait_for(1, timeout=0.5) == []
    clock(days=8)
    run()
    assert len(smtp_server.wait_for(1)) == 1


def test_daily_is_due_after_a_day_and_lists_only_what_is_new_since(lever, smtp_server, clock):
    subscription = confirmed(frequency="quotidienne", at=clock.start)
    make_practice(title="Première", levers=[lever], published_at=clock.start + timedelta(hours=1))
    clock(hours=23)
    run()
    assert smtp_server.wait_for(1, timeout=0.5) == []
    clock(hours=25)
    run()
    smtp_server.wait_for(1)
    make_practice(title="Seconde", levers=[lever], published_at=clock.start + timedelta(hours=30))
    clock(hours=50)
    run()
    smtp_server.wait_for(2)
    assert "Première" in smtp_server.body(0) and "Seconde" not in smtp_server.body(0)
    assert "Seconde" in smtp_server.body(1) and "Première" not in smtp_server.body(1)
    subscription.refresh_from_db()
    assert subscription.last_sent_at == clock.start + timedelta(hours=50)


def test_nothing_new_sends_nothing_and_moves_the_period_on(lever, smtp_server, clock):
    subscription = confirmed(at=clock.start)
    clock(days=8)
    run()
    assert smtp_server.wait_for(1, timeout=0.5) == []
    subscription.refresh_from_db()
    assert subscription.last_sent_at is None
    assert subscription.covered_until == clock.start + timedelta(days=8)


def test_unconfirmed_and_scheduled_are_not_sent(lever, smtp_server, clock):
    Subscription.objects.create(email="a@ville.example", query="")
    confirmed(at=clock.start)
    # Scheduled for later than the run: not public yet, so in a later digest.
    make_practice(levers=[lever], published_at=clock.start + timedelta(days=10))
    clock(days=8)
    run()
    assert smtp_server.wait_for(1, timeout=0.5) == []
    clock(days=16)
    run()
    assert smtp_server.wait_for(1)[0]["to"] == ["agent@ville.example"]


def test_a_digest_does_not_quote_the_search_words(lever, smtp_server, clock):
    confirmed(query="levier=clauses-sociales&q=Appelez+le+0800", at=clock.start)
    make_practice(
        levers=[lever],
        title="Appelez le 0800 pour la cantine",
        published_at=clock.start + timedelta(hours=1),
    )
    clock(days=8)
    run()
    (message,) = smtp_server.wait_for(1)
    assert message["message"]["Subject"] == (
        "1 nouvelle pratique : vos mots de recherche, Clauses sociales"
    )
    body = smtp_server.body(0)
    assert "« Appelez" not in body
    assert "Appelez le 0800 pour la cantine" in body  # the published title, not the search


def test_a_digest_lists_twenty_then_links_to_the_list(lever, smtp_server, clock):
    confirmed(at=clock.start)
    for n in range(23):
        make_practice(levers=[lever], published_at=clock.start + timedelta(minutes=n + 1))
    clock(days=8)
    run()
    smtp_server.wait_for(1)
    assert smtp_server.messages[0]["message"]["Subject"].startswith("23 nouvelles pratiques")
    body = smtp_server.body(0)
    assert body.count(f"{SITE}/pratiques/pratique-") == 20
    assert f"Et 3 autres : {SITE}/pratiques/?levier=clauses-sociales&tri=recent" in body


def test_a_failing_smtp_server_keeps_the_digests_due(lever, smtp_server, clock, caplog):
    first = confirmed(at=clock.start)
    second = confirmed(email="autre@ville.example", at=clock.start)
    make_practice(levers=[lever], published_at=clock.start + timedelta(hours=1))
    smtp_server.stop()
    clock(days=8)
    with pytest.raises(CommandError, match="2 envoi"):
        run()
    for subscription in (first, second):
        subscription.refresh_from_db()
        assert subscription.covered_until == clock.start
        assert subscription.last_sent_at is None
    assert Subscription.objects.due(clock.start + timedelta(days=8)).count() == 2
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 2
    assert all("stays due" in r.getMessage() for r in errors)
    assert not any("ville.example" in r.getMessage() for r in caplog.records)


def test_one_digest_failing_mid_run_leaves_the_others_sent(lever, smtp_server, clock, monkeypatch):
    subscriptions = [confirmed(email=f"a{n}@ville.example", at=clock.start) for n in range(5)]
    make_practice(levers=[lever], published_at=clock.start + timedelta(hours=1))
    broken = subscriptions[2]
    real_digest = sending.mail.digest

    def digest(subscription, *args):
        if subscription.pk == broken.pk:
            raise RuntimeError("crash while building this digest")
        return real_digest(subscription, *args)

    monkeypatch.setattr(sending.mail, "digest", digest)
    # Small batches: subscriptions are read a few at a time, never all at once.
    monkeypatch.setattr(sending, "BATCH", 2)
    clock(days=8)
    with pytest.raises(CommandError):
        run()
    assert sorted(m["to"][0] for m in smtp_server.wait_for(4)) == [
        "a0@ville.example", "a1@ville.example", "a3@ville.example", "a4@ville.example"
    ]  # fmt: skip
    broken.refresh_from_db()
    assert broken.last_sent_at is None
    monkeypatch.setattr(sending.mail, "digest", real_digest)
    run()
    assert smtp_server.wait_for(5)[4]["to"] == ["a2@ville.example"]


def test_each_digest_costs_a_fixed_number_of_queries(
    lever, smtp_server, clock, settings, django_assert_max_num_queries
):
    # Filters' labels are then read once for the run (cached under the content version).
    settings.PAGE_CACHE_SECONDS = 600
    for n in range(3):
        confirmed(email=f"a{n}@ville.example", at=clock.start)
    for n in range(5):
        make_practice(levers=[lever], published_at=clock.start + timedelta(hours=n + 1))
    clock(days=8)
    # 13 for the run (erasing, the content version, created here on first read, filters'
    # labels, batches, notices), then per digest: lock, count, page, its levers, save,
    # and the savepoint's two. The same whatever the number of subscriptions.
    with django_assert_max_num_queries(13 + 3 * 7):
        run()
    assert len(smtp_server.wait_for(3)) == 3


def test_the_command_logs_what_it_sent(lever, smtp_server, clock, caplog, capsys):
    subscription = confirmed(at=clock.start)
    make_practice(levers=[lever], published_at=clock.start + timedelta(hours=1))
    clock(days=8)
    caplog.set_level("INFO")
    call_command("send_alerts")
    assert f"Alert {subscription.pk}: digest of 1 practice(s) sent." in caplog.text
    assert "1 alerte(s) envoyée(s)" in capsys.readouterr().out


def test_unconfirmed_subscriptions_are_erased_after_seven_days(db, smtp_server):
    old = Subscription.objects.create(email="a@ville.example", query="")
    Subscription.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=7, minutes=1)
    )
    recent = Subscription.objects.create(email="b@ville.example", query="")
    kept = confirmed(query="", email="c@ville.example")
    Subscription.objects.filter(pk=kept.pk).update(created_at=timezone.now() - timedelta(days=30))
    run()
    assert set(Subscription.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}


def test_the_command_needs_the_site_url(lever, settings, clock):
    settings.SITE_URL = ""
    confirmed(at=clock.start)
    make_practice(levers=[lever], published_at=clock.start + timedelta(hours=1))
    clock(days=8)
    with pytest.raises(CommandError):
        run()


# Contributors told of the publication ---------------------------------------------------


def propose(client, lever, notify):
    data = {
        "authority_type": "commune",
        "authority_name": "Ville de Rennes",
        "department": "35",
        "contributor_name": "Camille Durand",
        "contributor_email": "camille@rennes.example",
        "title": "Un marché réservé <b>piégé</b>",
        "summary": "Résumé.",
        "levers": [lever.slug],
        "start_year": "2021",
        "chiffres-TOTAL_FORMS": "3",
        "chiffres-INITIAL_FORMS": "0",
    }
    if notify:
        data["notify_on_publication"] = "on"
    assert client.post("/proposer/", data).status_code == 302
    return Practice.objects.get(title=data["title"])


def test_a_contributor_who_asked_is_told_once_at_first_publication(
    client, lever, smtp_server, clock
):
    practice = propose(client, lever, notify=True)
    smtp_server.wait_for(1)  # the acknowledgement
    smtp_server.clear()
    run()
    assert smtp_server.wait_for(1, timeout=0.5) == []  # not published yet
    practice.publish()
    practice.save()
    clock(minutes=1)
    run()
    (message,) = smtp_server.wait_for(1)
    assert message["to"] == ["camille@rennes.example"]
    assert message["message"]["Subject"] == "Votre proposition de pratique est publiée"
    for part in (smtp_server.body(0), smtp_server.body(0, "html")):
        assert f"{SITE}/pratiques/{practice.slug}/" in part
        assert "piégé" not in part  # no text typed by a visitor
    assert PublicationNotice.objects.get().sent_at is not None
    # Unpublished and published again: not told twice.
    practice.unpublish()
    practice.save()
    practice.publish()
    practice.save()
    clock(minutes=2)
    run()
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1


def test_a_contributor_who_did_not_ask_is_not_told(client, lever, smtp_server, clock):
    practice = propose(client, lever, notify=False)
    smtp_server.wait_for(1)
    assert not PublicationNotice.objects.exists()
    practice.publish()
    practice.save()
    clock(minutes=1)
    run()
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1


def test_a_publication_notice_survives_a_failing_smtp_server(client, lever, smtp_server, clock):
    practice = propose(client, lever, notify=True)
    practice.publish()
    practice.save()
    smtp_server.wait_for(1)
    smtp_server.stop()
    clock(minutes=1)
    with pytest.raises(CommandError):
        run()
    assert PublicationNotice.objects.get().sent_at is None


# The editors' daily summary ----------------------------------------------------------------


def test_editors_who_opted_in_get_one_summary_a_day(client, lever, smtp_server, settings, clock):
    settings.PORTAL_EDITORS_SUMMARY_EMAILS = ["edition@rtes.example"]
    propose(client, lever, notify=False)
    make_practice(title="À relire", status=Practice.Status.REVIEW, published_at=None)
    smtp_server.clear()
    run()
    (message,) = smtp_server.wait_for(1)
    assert message["to"] == ["edition@rtes.example"]
    body = smtp_server.body(0)
    assert "Propositions reçues par le formulaire : 1" in body
    assert "Pratiques en relecture : 1" in body
    assert "« À relire »" in body
    assert f"{SITE}/admin/practices/practice/" in body
    assert EditorsSummary.objects.count() == 1
    run()
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1
    clock(days=1)
    run()
    assert len(smtp_server.wait_for(2)) == 2


def test_no_summary_without_opt_in_or_when_nothing_waits(lever, smtp_server, settings):
    make_practice(title="À relire", status=Practice.Status.REVIEW, published_at=None)
    run()
    settings.PORTAL_EDITORS_SUMMARY_EMAILS = ["edition@rtes.example"]
    Practice.objects.update(status=Practice.Status.PUBLISHED, published_at=timezone.now())
    run()
    assert smtp_server.wait_for(1, timeout=0.5) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_moment_send_each_digest_once(smtp_server):
    import threading

    from django.db import connection

    lever = make_lever(name="Clauses sociales", slug="clauses-sociales")
    start = timezone.now()
    for n in range(20):
        confirmed(email=f"a{n}@ville.example", at=start)
    make_practice(levers=[lever], published_at=start + timedelta(hours=1))
    later = start + timedelta(days=8)
    errors = []

    def one_run():
        try:
            sending.run(later)
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    smtp_server.wait_for(21, timeout=1)  # a 21st would be a digest sent twice
    assert len(smtp_server.messages) == 20
    assert sorted(m["to"][0] for m in smtp_server.messages) == sorted(
        f"a{n}@ville.example" for n in range(20)
    )
