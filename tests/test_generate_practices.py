"""`generate_practices`: reproducible synthetic content for benchmarks and load tests."""

import re

import pytest
from django.core.management import CommandError, call_command

from practices import search_index
from practices.management.commands.generate_practices import LINK_BY_CODE, department_authority
from practices.models import Department, KeyFigure, Practice, SearchWord


def generate(*args):
    call_command("generate_practices", *args, verbosity=0)


def generated():
    return Practice.objects.filter(slug__startswith="exemple-genere-")


def test_generates_the_requested_number_spread_over_territories_levers_and_years(content):
    generate("--practices", "120")
    practices = generated()
    assert practices.count() == 120
    assert practices.values("department").distinct().count() == 101
    assert practices.values("levers").distinct().count() == 6
    assert practices.values("sectors").distinct().count() >= 8
    assert practices.values("start_year").distinct().count() >= 10
    assert practices.values("authority_type").distinct().count() == 5
    assert practices.filter(levers=None).count() == 0
    assert KeyFigure.objects.filter(practice__in=practices).count() >= 120
    assert Practice.objects.published().filter(slug__startswith="exemple-genere-").count() > 100


def test_generated_texts_read_as_french(content):
    assert set(LINK_BY_CODE) == set(Department.objects.values_list("code", flat=True))
    names = {d.code: department_authority(d) for d in Department.objects.all()}
    assert names["62"] == "Département du Pas-de-Calais"
    assert names["64"] == "Département des Pyrénées-Atlantiques"
    assert names["33"] == "Département de la Gironde"
    assert names["01"] == "Département de l'Ain"
    assert names["35"] == "Département d'Ille-et-Vilaine"
    assert names["976"] == "Département de Mayotte"
    generate("--practices", "120")
    summaries = " ".join(generated().values_list("summary", flat=True))
    assert "a choisi d'acheter" in summaries
    assert "a choisi de réserver" in summaries
    assert not re.search(r"\bde [aeiouéèêâîôû]", summaries, re.IGNORECASE)


def test_search_texts_are_what_saving_the_practice_would_build(content):
    generate("--practices", "20")
    for practice in generated():
        places, rest = search_index.practice_texts(practice)
        assert sorted(practice.search_places.split()) == sorted(places.split())
        assert sorted(practice.search_text.split()) == sorted(rest.split())


def test_generated_practices_are_in_the_full_text_index_and_the_vocabulary(content):
    generate("--practices", "20")
    practice = generated().filter(status=Practice.Status.PUBLISHED).first()
    assert practice in Practice.objects.search(practice.title)
    assert SearchWord.objects.filter(word="choisi").exists()  # « a choisi de… »


def test_generated_practices_are_found_by_text_search(content):
    generate("--practices", "50")
    assert (
        Practice.objects.published()
        .search("clause sociale")
        .filter(slug__startswith="exemple-genere-")
        .exists()
    )


def test_same_seed_gives_the_same_content_and_a_rerun_replaces_it(content):
    generate("--practices", "30", "--seed", "7")
    first = list(generated().order_by("slug").values_list("title", "department", "start_year"))
    generate("--practices", "30", "--seed", "7")
    assert generated().count() == 30
    assert list(generated().order_by("slug").values_list("title", "department", "start_year")) == (
        first
    )
    generate("--practices", "30", "--seed", "8")
    assert (
        list(generated().order_by("slug").values_list("title", "department", "start_year")) != first
    )


def test_clear_removes_only_generated_practices(content):
    editorial = Practice.objects.count()
    generate("--practices", "25")
    generate("--clear")
    assert not generated().exists()
    assert Practice.objects.count() == editorial
    assert not KeyFigure.objects.filter(practice__slug__startswith="exemple-genere-").exists()


def test_refuses_to_generate_without_levers(db):
    with pytest.raises(CommandError):
        generate("--practices", "5")


def test_a_failed_write_stops_the_generation_and_saves_nothing(content, monkeypatch):
    from practices.management.commands import generate_practices

    def fail(self, rows):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(generate_practices, "BATCH", 10)
    monkeypatch.setattr(generate_practices.Generator, "create_batch", fail)
    with pytest.raises(RuntimeError, match="disque plein"):
        generate("--practices", "100")  # the builder thread, ahead, is not left blocked
    assert not generated().exists()


def test_facet_ids_are_those_of_the_relations(content):
    generate("--practices", "20")
    for practice in generated().prefetch_related("levers", "sectors"):
        levers = sorted(lever.pk for lever in practice.levers.all())
        sectors = sorted(sector.pk for sector in practice.sectors.all())
        assert practice.lever_ids == ",".join(map(str, levers))
        assert practice.sector_ids == ",".join(map(str, sectors))
