"""Static files: hashed names, gzip and brotli copies, cached for a year, immutable."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_static_files_are_hashed_precompressed_and_served_immutable(collected, db):
    # One test: collectstatic compresses the admin's files too, which takes seconds.
    name = staticfiles_storage.stored_name("css/portal.css")
    assert name != "css/portal.css"
    assert (collected / name).exists()
    assert (collected / f"{name}.gz").exists()
    assert (collected / f"{name}.br").exists()

    client = Client()
    for accept, encoding in [("br, gzip", "br"), ("gzip", "gzip")]:
        response = client.get(f"/static/{name}", headers={"accept-encoding": accept})
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert "immutable" in response["Cache-Control"]
        assert "max-age=315360000" in response["Cache-Control"]
        response.close()
