"""Backup and restore: `backup_content`, empty database, `restore_content`: identical data.

The commands are those of docs/deploy.md. Primary keys are kept, so that history
records still point at their practice after a restore.
"""

import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from levers.models import Lever
from practices.models import Contribution, Practice, Sector
from tests.factories import make_practice


def dump():
    out = io.StringIO()
    call_command("backup_content", stdout=out)
    return out.getvalue()


def empty_database():
    # Inside the test's transaction, PostgreSQL refuses TRUNCATE while deferred foreign
    # key checks are pending: run them first.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)


# Django's serializer writes milliseconds, and none when they are zero: a time whose
# microseconds are 1…999 is dumped as "…:12.000Z", restored with 0 µs, dumped as "…:12Z".
WHOLE_SECOND = re.compile(r'(T\d\d:\d\d:\d\d)\.000(?=Z|[+-]\d\d:\d\d|")')


def comparable(dumped):
    rows = json.loads(WHOLE_SECOND.sub(r"\1", dumped))
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


@pytest.fixture
def rich_content(content):
    """Reference content plus what editors add: history, users, a deleted practice."""
    user = get_user_model().objects.create_user(
        "editrice", "editrice@example.org", "Balade-vers-la-rade-42", is_staff=True
    )
    levers = list(Lever.objects.all()[:2])
    sectors = list(Sector.objects.all()[:1])
    gone = make_practice(levers=levers, title="Supprimée")
    kept = make_practice(
        levers=levers, sectors=sectors, figures=[("heures d'insertion", 1200)], title="Gardée"
    )
    gone.delete()  # a gap in the primary keys, as in any real database
    kept.summary = "Résumé revu par l'équipe éditoriale."
    kept.save()
    proposal = make_practice(levers=levers, status=Practice.Status.PROPOSED, published_at=None)
    Contribution.objects.create(
        practice=proposal, contributor_name="Camille", contributor_email="camille@example.org"
    )
    return {"user": user, "kept": kept}


def test_dump_then_restore_into_an_empty_database_gives_identical_data(rich_content, tmp_path):
    before = dump()
    assert '"model": "practices.practice"' in before
    assert '"model": "practices.historicalpractice"' in before

    empty_database()
    assert not Practice.objects.exists()

    backup = tmp_path / "portal.json"
    backup.write_text(before, encoding="utf-8")
    call_command("restore_content", str(backup), verbosity=0)

    assert comparable(dump()) == comparable(before)


def test_restored_practices_keep_their_history_relations_and_search_text(rich_content, tmp_path):
    kept = rich_content["kept"]
    history = list(kept.history.values_list("history_id", "summary"))
    backup = tmp_path / "portal.json"
    backup.write_text(dump(), encoding="utf-8")

    empty_database()
    call_command("restore_content", str(backup), verbosity=0)

    restored = Practice.objects.get(slug=kept.slug)
    assert restored.pk == kept.pk
    assert list(restored.history.values_list("history_id", "summary")) == history
    assert restored.levers.count() == 2
    assert restored.key_figures.get().label == "heures d'insertion"
    assert restored.search_text == kept.search_text
    assert Practice.objects.published().search("insertion").filter(pk=kept.pk).exists()
    assert (
        get_user_model().objects.get(username="editrice").check_password("Balade-vers-la-rade-42")
    )
    # New content after a restore does not collide with restored keys.
    assert make_practice(levers=[restored.levers.first()], published_at=timezone.now()).pk
