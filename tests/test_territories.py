import pytest

from practices.models import Department, Region

pytestmark = pytest.mark.django_db


def test_all_18_regions_and_101_departments_are_present_after_migrate():
    assert Region.objects.count() == 18
    assert Department.objects.count() == 101


@pytest.mark.parametrize(
    ("code", "name", "region"),
    [
        ("2A", "Corse-du-Sud", "94"),
        ("2B", "Haute-Corse", "94"),
        ("62", "Pas-de-Calais", "32"),
        ("971", "Guadeloupe", "01"),
        ("972", "Martinique", "02"),
        ("973", "Guyane", "03"),
        ("974", "La Réunion", "04"),
        ("976", "Mayotte", "06"),
    ],
)
def test_departments_carry_official_insee_codes_and_regions(code, name, region):
    department = Department.objects.get(code=code)
    assert department.name == name
    assert department.region_id == region


def test_departments_are_listed_in_insee_order():
    codes = list(Department.objects.values_list("code", flat=True))
    assert codes.index("29") < codes.index("2A") < codes.index("2B") < codes.index("30")
    assert codes[-5:] == ["971", "972", "973", "974", "976"]


def test_every_region_has_departments():
    assert not Region.objects.filter(departments__isnull=True).exists()
