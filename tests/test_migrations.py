"""Migrations reverse cleanly on SQLite, the default database.

.ci/run does the same round trip on PostgreSQL. Here it runs in a subprocess on a
throwaway SQLite file, so the test database of the suite is left alone.
"""

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.servers import portal_environment

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def manage(*args, database):
    # None of a developer's portal variables (REDIS_URL…), as in every subprocess test.
    env = portal_environment(
        DATABASE_URL=f"sqlite:///{database}", DJANGO_SECRET_KEY="migrations-round-trip-test"
    )
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_migrations_go_back_to_zero_and_forward_again_on_sqlite(tmp_path):
    database = tmp_path / "round-trip.sqlite3"
    steps = [
        ("migrate", "--noinput"),
        ("load_content",),
        ("migrate", "practices", "zero", "--noinput"),
        ("migrate", "levers", "zero", "--noinput"),
        ("migrate", "--noinput"),
    ]
    for step in steps:
        result = manage(*step, database=database)
        assert result.returncode == 0, f"{' '.join(step)}:\n{result.stderr}"

    plan = manage("showmigrations", "practices", "levers", database=database).stdout
    assert "[X]" in plan
    assert "[ ]" not in plan


def test_the_synonym_token_migration_gives_existing_practices_their_tokens(tmp_path):
    database = tmp_path / "tokens.sqlite3"
    tokens = (
        "import json; from practices.models import Practice, Synonym; "
        "print(json.dumps([dict(Practice.objects.values_list('slug', 'search_synonyms')), "
        "sorted(Synonym.objects.values_list('indexed', flat=True))]))"
    )
    for step in [("migrate", "--noinput"), ("load_content",)]:
        assert manage(*step, database=database).returncode == 0
    # The last line: django-axes announces itself first.
    before = manage("shell", "-c", tokens, database=database).stdout.splitlines()[-1]
    for step in [
        ("migrate", "practices", "0017", "--noinput"),  # drops the tokens and the flags
        ("migrate", "--noinput"),
    ]:
        result = manage(*step, database=database)
        assert result.returncode == 0, f"{' '.join(step)}:\n{result.stderr}"

    after = manage("shell", "-c", tokens, database=database).stdout.splitlines()[-1]
    practices, indexed = json.loads(after)
    assert after == before
    assert sum(bool(value) for value in practices.values()) >= 4  # the case studies
    assert indexed and all(indexed)
