"""What the tests of pending revisions share: a published practice with a lever and a key
figure, an Éditeur and a Responsable, the admin pages they use."""

from decimal import Decimal

import pytest

from tests.factories import make_lever, make_practice, make_staff

EDITORS = "Éditeurs"
PUBLISHERS = "Responsables éditoriaux"


def change_url(practice):
    return f"/admin/practices/practice/{practice.pk}/change/"


def review_url(practice):
    return f"/admin/practices/practice/{practice.pk}/relecture/"


@pytest.fixture
def practice():
    return make_practice(
        levers=[make_lever(name="Clauses sociales")],
        title="Titre publié",
        summary="Le Département réserve des heures d'insertion.",
        figures=[("heures d'insertion", Decimal("913"))],
    )


@pytest.fixture
def editor():
    return make_staff(EDITORS, username="claire")


@pytest.fixture
def publisher():
    return make_staff(PUBLISHERS, username="rose")
