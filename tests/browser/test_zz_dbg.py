import pytest
from django.db import connections

def info(tag):
    c = connections["default"]
    print(tag, id(c), hasattr(c, "_test_serialized_contents"))

def test_a(db):
    info("A")

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_b(live_server):
    info("B")

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_c(page, live_server):
    info("C")

@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_d(page, live_server):
    info("D")
