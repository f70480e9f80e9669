"""manage.py purge_contributions: contributors' personal data is erased after retention."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from practices.management.commands.purge_contributions import months_before
from practices.models import Contribution, Practice

from .factories import make_practice

PARIS = ZoneInfo("Europe/Paris")


def contribution(months_ago, days=0, **fields):
    submitted = months_before(timezone.now(), months_ago) - timezone.timedelta(days=days)
    practice = make_practice(status=Practice.Status.PROPOSED, published_at=None)
    return Contribution.objects.create(
        practice=practice,
        contributor_name="Camille Durand",
        contributor_email="camille@ville.example",
        contributor_role="Acheteuse",
        links="https://ville.example/deliberation",
        submitted_at=submitted,
        **fields,
    )


def purge(*args):
    out = StringIO()
    call_command("purge_contributions", *args, stdout=out)
    return out.getvalue()


def test_contributions_older_than_24_months_lose_their_personal_data(db):
    old = contribution(24, days=1)
    recent = contribution(23)

    output = purge()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.contributor_name, old.contributor_email, old.contributor_role) == ("", "", "")
    assert old.personal_data_purged_at is not None
    # The practice and what is not personal stay for the editors.
    assert old.links == "https://ville.example/deliberation"
    assert Practice.objects.filter(pk=old.practice_id).exists()
    assert recent.contributor_email == "camille@ville.example"
    assert recent.personal_data_purged_at is None
    assert output.startswith("1 contribution(s)")
    assert "24 mois" in output


def test_retention_period_comes_from_the_settings(db, settings):
    settings.PORTAL_CONTRIBUTION_RETENTION_MONTHS = 6
    seven_months = contribution(7)
    five_months = contribution(5)

    purge()

    seven_months.refresh_from_db()
    five_months.refresh_from_db()
    assert seven_months.contributor_email == ""
    assert five_months.contributor_email == "camille@ville.example"


def test_dry_run_changes_nothing(db):
    old = contribution(30)

    output = purge("--dry-run")

    old.refresh_from_db()
    assert old.contributor_email == "camille@ville.example"
    assert output.startswith("1 contribution(s)")
    assert "seraient" in output


def test_already_purged_contributions_keep_their_purge_date(db):
    first_purge = timezone.now() - timezone.timedelta(days=40)
    old = contribution(30, personal_data_purged_at=first_purge)

    assert purge().startswith("0 contribution(s)")
    old.refresh_from_db()
    assert old.personal_data_purged_at == first_purge


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 11, 25, 18, 0, tzinfo=PARIS), 24, datetime(2024, 11, 25, 18, 0)),
        (datetime(2026, 3, 31, 12, 0, tzinfo=PARIS), 1, datetime(2026, 2, 28, 12, 0)),
        (datetime(2024, 3, 31, 12, 0, tzinfo=PARIS), 1, datetime(2024, 2, 29, 12, 0)),
        (datetime(2026, 1, 15, 8, 30, tzinfo=PARIS), 13, datetime(2024, 12, 15, 8, 30)),
    ],
)
def test_months_before_handles_short_months_and_years(moment, months, expected):
    assert months_before(moment, months) == expected.replace(tzinfo=PARIS)
