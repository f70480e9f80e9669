"""/pratiques/export.csv: the filtered list as a French spreadsheet file."""

import csv
import io

import pytest
from django.http import QueryDict
from django.utils import timezone

from practices import exports
from practices.export_rows import COLUMNS
from practices.filters import PracticeFilter
from practices.models import Contribution, Practice
from procurement_portal.content_version import ContentVersion

from .conftest import BAD_FILTER_QUERIES, retry_after
from .factories import make_lever, make_practice

URL = "/pratiques/export.csv"
ILLE_ET_VILAINE = "ille-et-vilaine-territoire-commerce-equitable"


def download(client, query=""):
    response = client.get(f"{URL}?{query}" if query else URL)
    assert response.status_code == 200
    assert response.streaming, "the export must be streamed"
    return response, b"".join(response.streaming_content)


def read(raw):
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark, for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def export(client, query=""):
    _, raw = download(client, query)
    header, *rows = read(raw)
    assert header == COLUMNS
    return [dict(zip(header, row, strict=True)) for row in rows]


def list_filter_slugs(query):
    filterset = PracticeFilter(QueryDict(query) or None, queryset=Practice.objects.published())
    return list(filterset.qs.values_list("slug", flat=True))


def test_file_is_a_utf8_semicolon_csv_with_french_columns(client, content):
    response, raw = download(client)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pratiques.csv"'
    header, *rows = read(raw)
    assert header[:3] == ["Identifiant", "Titre", "Résumé"]
    assert "Code département" in header
    assert len(rows) == 4
    assert raw.count(b"\r\n") >= 5


def test_accents_and_values_are_intact(client, content):
    (row,) = export(client, "levier=commerce-equitable")
    practice = Practice.objects.get(slug=ILLE_ET_VILAINE)

    assert row["Identifiant"] == ILLE_ET_VILAINE
    assert row["Titre"] == practice.title
    assert "équitable" in row["Titre"]
    assert row["Résumé"] == practice.summary
    assert row["Code département"] == "35"
    assert row["Département"] == "Ille-et-Vilaine"
    assert row["Région"] == "Bretagne"
    assert "Commerce équitable" in row["Leviers"].split(" | ")
    assert row["Type de collectivité"] == "Département"
    assert row["Année de début"] == str(practice.start_year)
    assert row["Fiche source"].endswith("fiche n°12 : " + practice.source_fiche.title)
    assert row["Adresse"] == f"http://testserver/pratiques/{ILLE_ET_VILAINE}/"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "levier=spaser",
        "levier=clauses-sociales&levier=commerce-equitable",
        "region=32",
        "departement=976",
        "annee=2016",
        "q=insertion",
        "tri=titre",
    ],
)
def test_rows_are_the_list_filter_results_in_order(client, content, query):
    assert [row["Identifiant"] for row in export(client, query)] == list_filter_slugs(query)


@pytest.mark.parametrize(
    "query", ["", "levier=clauses-sociales", "region=53&tri=titre", "q=insertion"]
)
def test_rows_are_what_the_html_list_page_shows(client, content, query):
    page = client.get(f"/pratiques/?{query}")

    expected = [p.slug for p in page.context["practices"]]
    assert [row["Identifiant"] for row in export(client, query)] == expected


def test_unpublished_practices_and_personal_data_are_left_out(client, db):
    now = timezone.now()
    visible = make_practice(slug="visible", figures=[("salariés en insertion", 913)])
    Contribution.objects.create(
        practice=visible, contributor_name="Camille Secret", contributor_email="c@secret.example"
    )
    make_practice(slug="brouillon", status=Practice.Status.DRAFT)
    make_practice(slug="proposee", status=Practice.Status.PROPOSED)
    make_practice(slug="programmee", published_at=now + timezone.timedelta(days=1))
    make_practice(slug="supprimee", deleted_at=now)

    _, raw = download(client)
    rows = read(raw)[1:]

    assert [row[0] for row in rows] == ["visible"]
    assert "salariés en insertion : 913" in rows[0][COLUMNS.index("Chiffres clés")]
    assert b"Secret" not in raw
    assert b"secret.example" not in raw


def test_cells_that_look_like_formulas_are_neutralised(client, db):
    make_practice(title='=HYPERLINK("http://malveillant.example")', slug="formule")

    (row,) = export(client)

    assert row["Titre"].startswith("'=")


@pytest.mark.parametrize(("query", "field", "message"), BAD_FILTER_QUERIES)
def test_bad_parameters_get_a_400_with_a_french_message(client, db, query, field, message):
    response = client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert (message or "") in response.content.decode()


def test_export_runs_a_constant_number_of_queries(client, db, django_assert_max_num_queries):
    levers = [make_lever(), make_lever()]
    for _ in range(30):
        make_practice(levers=levers, figures=[("personnes", 3)])

    ContentVersion.objects.current()  # one-off set-up: the content version's row
    # Building the file: content version and its date, rows in one chunk, then one
    # prefetch each for levers, sectors and key figures.
    with django_assert_max_num_queries(6):
        _, raw = download(client)
    assert len(read(raw)) == 31
    # Then the file: the content version and its date.
    with django_assert_max_num_queries(2):
        _, again = download(client)
    assert again == raw
    # A filtered export: the same, and the filtered ids.
    with django_assert_max_num_queries(4):
        _, filtered = download(client, "annee=2020")
    assert len(read(filtered)) == 31


def test_export_file_is_built_in_chunks(client, db, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr("practices.export_rows.CHUNK_SIZE", 10)
    for _ in range(25):
        make_practice(levers=[make_lever()])

    ContentVersion.objects.current()
    # Content version and date, then three chunks of rows, each with its three prefetches.
    with django_assert_max_num_queries(14):
        _, raw = download(client)
    assert len(read(raw)) == 26
    _, filtered = download(client, "tri=titre")
    assert [row[1] for row in read(filtered)[1:]] == sorted(row[1] for row in read(raw)[1:])


def test_the_full_export_is_built_once_per_content_version(client, db, monkeypatch, committed):
    practice = make_practice(levers=[make_lever()], title="Titre initial")
    _, first = download(client)
    built = []
    monkeypatch.setattr(
        "practices.exports.Snapshot._build",
        lambda self, original=exports.Snapshot._build: built.append(1) or original(self),
    )
    for query in ["", "x=1", "utm_source=lettre&x=2"]:
        _, raw = download(client, query)
        assert raw == first
    assert built == []

    practice.title = "Titre modifié"
    with committed():
        practice.save()
    _, raw = download(client)
    assert built == [1]
    assert "Titre modifié" in raw.decode("utf-8-sig")
    # Files of earlier versions are removed.
    assert len(list(settings_export_dir().glob("pratiques-*.csv"))) == 1


def settings_export_dir():
    from django.conf import settings

    return settings.PORTAL_EXPORT_DIR


def test_the_full_export_is_sent_gzipped_to_clients_that_accept_it(client, db):
    import gzip

    make_practice(levers=[make_lever()])
    _, plain = download(client)
    response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(b"".join(response.streaming_content)) == plain
    etag = response["ETag"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_while_another_worker_builds_the_file_the_export_answers_503(client, db, settings):
    import fcntl

    make_practice(levers=[make_lever()])
    settings.PORTAL_EXPORT_DIR.mkdir(parents=True)
    with open(settings.PORTAL_EXPORT_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        response = client.get(URL)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "réessayez" in response.content.decode()
    assert client.get(URL).status_code == 200


def test_filtered_exports_are_rate_limited_per_address_not_the_full_one(client, db, settings):
    settings.PORTAL_EXPORTS_PER_HOUR = 2
    make_practice(levers=[make_lever()])
    assert client.get(URL, {"annee": "2020"}).status_code == 200
    assert client.get(URL, {"tri": "titre"}).status_code == 200

    response = client.get(URL, {"annee": "2021"})
    assert response.status_code == 429
    assert retry_after(response)
    assert "Trop d'exports" in response.content.decode()
    assert client.get(URL).status_code == 200
    assert client.get(URL, {"annee": "2020"}, REMOTE_ADDR="192.0.2.8").status_code == 200


def test_export_is_read_only(client, db):
    assert client.post(URL).status_code == 405


def test_public_export_quotes_a_text_already_starting_with_the_quote(client, db):
    from practices.text import from_spreadsheet_cell, to_spreadsheet_cell

    for text in ["=1+1", "'=1+1", "''@x", "'simple", "-", "texte", ""]:
        assert from_spreadsheet_cell(to_spreadsheet_cell(text)) == text
    assert to_spreadsheet_cell("'=1+1") == "''=1+1"
    assert to_spreadsheet_cell("'simple") == "'simple"


# Building outside requests: no request waits for a whole build --------------------------
# The build runs in a thread with its own connection: the tests' writes are committed
# (transaction=True), and the migration-made departments restored after the flush.
committed_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def slow_build(monkeypatch):
    """The file's build held until `release.set()`, counted in `builds`."""
    import threading

    release = threading.Event()
    builds = []
    original = exports.Snapshot._build

    def build(self):
        builds.append(self.name)
        assert release.wait(10), "the test never released the build"
        original(self)

    monkeypatch.setattr("practices.exports.Snapshot._build", build)
    yield release, builds
    release.set()
    if exports._builder is not None:
        exports._builder.join(10)


def wait_for(condition):
    import time

    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the background build did not start"
        time.sleep(0.01)


def finish_background_build():
    exports._builder.join(10)
    assert not exports._builder.is_alive()


@committed_db
def test_after_a_change_the_previous_file_is_served_while_the_new_one_is_built(
    client, settings, slow_build
):
    release, builds = slow_build
    practice = make_practice(levers=[make_lever()], title="Titre initial")
    release.set()
    _, first = download(client)  # waits for the build (PORTAL_EXPORT_WAIT_SECONDS)
    finish_background_build()
    release.clear()
    settings.PORTAL_EXPORT_WAIT_SECONDS = 0

    practice.title = "Titre modifié"
    practice.save()  # committed (transaction=True)
    _, stale = download(client)  # answered at once, the build held in its thread
    assert stale == first
    wait_for(lambda: len(builds) == 2)  # the thread has started building
    _, again = download(client)
    assert again == first
    assert exports._builder.is_alive()
    assert len(builds) == 2, "one build at a time, not one per request"

    release.set()
    finish_background_build()
    _, fresh = download(client)
    assert "Titre modifié" in fresh.decode("utf-8-sig")
    assert len(list(settings.PORTAL_EXPORT_DIR.glob("pratiques-*.csv"))) == 1


@committed_db
def test_a_build_that_ends_within_the_wait_is_served_at_once(client, settings, monkeypatch):
    settings.PORTAL_EXPORT_WAIT_SECONDS = 10
    threads = []
    original = exports._build_in_background
    monkeypatch.setattr(
        "practices.exports._build_in_background",
        lambda snapshot: threads.append(1) or original(snapshot),
    )
    make_practice(levers=[make_lever()], slug="pratique-fraiche")

    rows = export(client)

    assert [row["Identifiant"] for row in rows] == ["pratique-fraiche"]
    assert threads == [1], "built in a background thread, not in the request"


@committed_db
def test_before_any_file_exists_a_request_gets_a_503_not_a_long_wait(client, settings, slow_build):
    import time

    release, builds = slow_build
    settings.PORTAL_EXPORT_WAIT_SECONDS = 1
    make_practice(levers=[make_lever()])

    started = time.monotonic()
    response = client.get(URL)
    assert exports._builder.is_alive()
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert client.get(URL, {"annee": "2020"}).status_code == 503

    release.set()
    finish_background_build()
    assert len(export(client)) == 1
    assert len(builds) == 1


@committed_db
def test_the_build_command_makes_the_file_the_requests_serve(client, settings, monkeypatch):
    from django.core.management import CommandError, call_command

    make_practice(levers=[make_lever()], slug="construite-avant")
    out = io.StringIO()
    call_command("build_csv_export", "--site-url", "http://testserver/", stdout=out)
    assert "Export CSV construit" in out.getvalue()
    built = []
    monkeypatch.setattr(exports.Snapshot, "_build", lambda self: built.append(1))

    rows = export(client)

    assert built == []
    assert rows[0]["Adresse"] == "http://testserver/pratiques/construite-avant/"
    call_command("build_csv_export", "--site-url", "http://testserver", stdout=out)
    assert "déjà à jour" in out.getvalue()
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="DJANGO_SITE_URL"):
        call_command("build_csv_export", "--site-url", "")
