"""Shared test set-up.

Markers:
- ``postgres``: runs only on PostgreSQL; skipped elsewhere, unless
  PORTAL_REQUIRE_POSTGRES=1 (as in .ci/run), where a skip becomes a failure.
- ``browser``: drives Debian's Chromium through Playwright; skipped when Chromium
  or Playwright is missing, unless PORTAL_REQUIRE_BROWSER=1.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.urls import reverse

from tests.servers import ROOT, portal_environment

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")


def _required(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    browser_missing = _browser_missing_reason()
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            if _required("PORTAL_REQUIRE_POSTGRES"):
                item.add_marker(pytest.mark.usefixtures("_fail_without_postgres"))
            else:
                item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "browser" in item.keywords and browser_missing:
            if _required("PORTAL_REQUIRE_BROWSER"):
                item.add_marker(pytest.mark.usefixtures("_fail_without_browser"))
            else:
                item.add_marker(pytest.mark.skip(reason=browser_missing))


def _browser_missing_reason():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    return None


@pytest.fixture
def _fail_without_postgres():
    pytest.fail("PORTAL_REQUIRE_POSTGRES=1 but the tests are not running on PostgreSQL")


@pytest.fixture
def _fail_without_browser():
    pytest.fail(f"PORTAL_REQUIRE_BROWSER=1 but {_browser_missing_reason()}")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_EXPORT_DIR = tmp_path / "exports"
    # Production settings redirect to HTTPS; the test client and live_server speak HTTP.
    settings.SECURE_SSL_REDIRECT = False
    # The page cache adds a query (the content version) to every anonymous page; query
    # budgets are about the pages themselves. The page_cache fixture turns it on.
    settings.PAGE_CACHE_SECONDS = 0
    # Proposal and export counts in memory rather than in var/: cleared below, so no
    # count outlives its test nor leaks between runs.
    settings.CACHES = {
        **settings.CACHES,
        # The page cache as in production (files shared by the workers), in the test's own
        # directory: see stored_bytes().
        "default": {
            "BACKEND": "procurement_portal.disk_cache.PageDiskCache",
            "LOCATION": tmp_path / "pagecache",
            "SHARDS": 4,
            "DATABASE_TIMEOUT": 0.05,
            "OPTIONS": {"size_limit": 256 * 2**20, "sqlite_cache_size": 2**9},
        },
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    # Each test's database is rolled back, content version included: pages cached by an
    # earlier test must not be served to this one.
    from django.core.cache import caches

    page_cache = caches["default"]
    page_cache.clear()
    caches["ratelimit"].clear()
    yield
    # Its shards' files stay open otherwise (PageDiskCache.close() keeps them): ~11 file
    # descriptors a test, past the process's limit of 20,000 near the suite's end.
    page_cache.release()


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server():
    # live_server (session-scoped) builds its middleware once, before any per-test
    # settings apply: SecurityMiddleware would keep redirecting the browser to HTTPS.
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    # WhiteNoise warns at each start when STATIC_ROOT is missing; tests never collect.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    # Once Playwright's sync API has started, tests see new connection objects (asgiref
    # keys them by context) that lack the database snapshot taken at set-up, so
    # serialized_rollback silently restored nothing and the migration-made territories
    # vanished after the first browser test. Keep the snapshot on every connection.
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


# What the strict Content-Security-Policy refuses in a page: inline style attributes, on…
# handlers, inline scripts (JSON data blocks are not run, so the CSP allows them).
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def inline_code(url, html):
    """{"<url> <kind>": first hits} of what the CSP refuses in a page."""
    found = {}
    for name, pattern in [("style", INLINE_STYLE), ("handler", HANDLER), ("script", INLINE_SCRIPT)]:
        hits = pattern.findall(html)
        if hits:
            found[f"{url} {name}"] = hits[:3]
    return found


# PracticeFilter's parameters, shared by every output built on it (the list page, the
# API, the feed, the CSV export): each output's tests check it against the list's.
FILTER_QUERIES = [
    "",
    "levier=spaser",
    "levier=clauses-sociales&levier=commerce-equitable",
    "region=53",
    "departement=62&departement=976",
    "type_collectivite=departement",
    "annee=2016",
    "secteur=restauration-collective",
    "q=insertion",
    "q=commerce équitable",
    "tri=titre",
    "tri=récent",
    "levier=clauses-sociales&tri=titre&annee=2020",
]
# (query, parameter, French message or None): what PracticeFilter refuses, whatever the
# output (the list page reports it and ignores the value; the others answer 400).
BAD_FILTER_QUERIES = [
    ("levier=inconnu", "levier", "« inconnu » ne fait pas partie des choix proposés."),
    ("departement=999", "departement", "« 999 » ne fait pas partie des choix proposés."),
    ("region=99", "region", "Cette région n'existe pas."),
    ("annee=deux-mille", "annee", "Indiquez une année en chiffres, par exemple 2020."),
    ("annee=1800", "annee", "Indiquez une année à partir de 1990."),
    (
        "type_collectivite=empire",
        "type_collectivite",
        "« empire » ne fait pas partie des choix proposés.",
    ),
    ("preuve=x", "preuve", "« x » ne fait pas partie des choix proposés."),
    ("tri=x", "tri", "« x » n'est pas un tri proposé : choisissez pertinence, recent ou titre."),
    ("q=" + "x" * 201, "q", "La recherche est limitée à 200 caractères."),
    ("q=a%00b", "q", "La recherche contient des caractères non autorisés."),
    ("levier=a%00", "levier", "Cette valeur contient des caractères non autorisés."),
    ("departement=%01", "departement", "Cette valeur contient des caractères non autorisés."),
]


@pytest.fixture
def run_portal():
    """run_portal(*argv, **env): `python *argv` in the project directory, in a fresh
    interpreter whose environment holds none of the portal's variables but `env`, as a
    server would start (settings read once, at import). Returns the CompletedProcess."""

    def run(*argv, **env):
        return subprocess.run(
            [sys.executable, *argv],
            cwd=ROOT,
            env=portal_environment(**env),
            capture_output=True,
            text=True,
            check=False,
        )

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): …` runs the on_commit callbacks of the writes inside, as their
    transaction's commit would (each test runs in a transaction that never commits):
    cached pages become stale only then (procurement_portal.invalidation)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def page_cache(settings, db):
    """The page cache on, its content version row created, as in a database in use (the
    first request ever creates it, with a few more queries than a query budget allows)."""
    from procurement_portal.content_version import ContentVersion

    settings.PAGE_CACHE_SECONDS = 600
    ContentVersion.objects.current()


@pytest.fixture
def practice(content):
    """A published practice of the reference content, as the page cache's tests read it."""
    from levers.models import Lever
    from tests.factories import make_practice

    return make_practice(levers=[Lever.objects.get(slug="marches-reserves")], title="Titre initial")


def retitle_behind_the_cache(practice, title):
    """Change a title without telling the cache, to see whether a page came from it."""
    from practices.models import Practice

    table = Practice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET title = %s WHERE id = %s", [title, practice.pk])  # noqa: S608


@pytest.fixture
def publisher_client(client, db):
    """The test client logged in as a « Responsable éditorial »."""
    from tests.factories import make_staff

    client.force_login(make_staff("Responsables éditoriaux"))
    return client


@pytest.fixture
def editor_client(client, db):
    """The test client logged in as an « Éditeur »."""
    from tests.factories import make_staff

    client.force_login(make_staff("Éditeurs"))
    return client


@pytest.fixture
def content(db):
    """The reference content of fixtures/, as `make run` loads it."""
    from django.core.management import call_command

    call_command("load_content", verbosity=0)


# Mail ----------------------------------------------------------------------


class _Inbox:
    """What a real SMTP server received: parsed messages with their envelope."""

    def __init__(self):
        import threading

        self.messages = []
        self._received = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.original_content, policy=default)
        with self._received:
            self.messages.append(
                {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message}
            )
            self._received.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=5.0):
        """Wait until `count` messages arrived; return them all."""
        with self._received:
            self._received.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return list(self.messages)

    def body(self, index, subtype="plain"):
        part = self.messages[index]["message"].get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""

    def clear(self):
        with self._received:
            self.messages.clear()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free loopback port, used by Django's SMTP backend.

    `smtp_server.messages` holds what it received; `smtp_server.wait_for(n)` waits for n;
    `smtp_server.body(i, "html")` gives a part's text; `smtp_server.stop()` makes the
    server unreachable (a failing mail server).
    """

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    running = {"on": True}

    def stop():
        if running["on"]:
            controller.stop()
            running["on"] = False

    inbox.stop = stop
    inbox.port = port
    yield inbox
    stop()


@contextmanager
def database_down(error=OperationalError):
    """Every database cursor raises `error`, in every thread (the live server's too), as
    when the database is unreachable: procurement_portal.outage answers instead."""
    wrapper = type(connections["default"])
    failure = error("server closed the connection")
    # chunked_cursor too: PostgreSQL's iterator() (form choices) takes a server-side cursor.
    with (
        mock.patch.object(wrapper, "cursor", side_effect=failure),
        mock.patch.object(wrapper, "chunked_cursor", side_effect=failure),
    ):
        yield


def stored_bytes():
    """What the page cache holds (its entries' pickled values), for tests of its bounds:
    read through diskcache's own API on the directory, as another worker would."""
    import pickle

    from diskcache import FanoutCache
    from django.conf import settings

    default = settings.CACHES["default"]
    with FanoutCache(default["LOCATION"], default["SHARDS"], **default["OPTIONS"]) as stored:
        return sum(len(pickle.dumps(stored.get(key))) for key in stored)


# The practice list, as its tests read it ------------------------------------------


def listed(response):
    """Slugs of the practices shown, in order."""
    assert response.status_code == 200
    return [p.slug for p in response.context["practices"]]


def ranked(query):
    """Slugs of the published practices a search finds, best first."""
    from practices.models import Practice

    found = Practice.objects.published().search(query).order_by_relevance(query)
    return [practice.slug for practice in found]


def starter_synonyms():
    """The starter synonym groups (fixtures/synonyms.json): [{"terms", "note"}]."""
    return json.loads((ROOT / "fixtures" / "synonyms.json").read_text(encoding="utf-8"))


def facet(response, name):
    """{value: count} of one facet of a list page."""
    return {c["value"]: c["count"] for c in response.context["facets"][name]}


def html(response):
    return response.content.decode()


def as_read(text):
    """`text` with the no-break spaces that public pages put before « : ; ? ! » and inside
    « guillemets » (procurement_portal/typography.py) read as plain spaces: for tests of
    wording, not of typography (tests/test_typography.py)."""
    return text.replace("\u00a0", " ")


def retry_after(response):
    """A rate-limited answer's Retry-After, in seconds: when the client's hourly window
    ends (procurement_portal.rate_limit), so within the hour."""
    seconds = int(response["Retry-After"])
    assert 0 < seconds <= 3600
    return seconds


# Proposals (/proposer/), as their tests send them -----------------------------------

PROPOSE_URL = reverse("practices:propose")
PROPOSE_DONE_URL = reverse("practices:propose_done")


@pytest.fixture
def lever(db):
    """The lever factories.proposal_data() ticks."""
    from tests.factories import make_lever

    return make_lever(name="Marchés réservés", slug="marches-reserves")


@pytest.fixture
def editors(settings):
    settings.PORTAL_EDITORS_EMAILS = ["edition@rtes.example", "relecture@rtes.example"]
    settings.PORTAL_PRIVACY_EMAIL = "donnees@rtes.example"
    return settings.PORTAL_EDITORS_EMAILS


def page_text(response):
    return as_read(unescape(response.content.decode()))


def post(client, data, **extra):
    return client.post(PROPOSE_URL, data, **extra)
