"""Uploaded files in S3-compatible object storage when configured (issue 9, item 9):
the variables choose django-storages' S3Storage, and the evidence code works with a
storage that has no local path, as S3 has none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from tests.conftest import login
from tests.reports.conftest import receiving_organisation, report_caseworker, submitted
from victory.accounts.models import Membership
from victory.reports import services
from victory.reports.services import SubmittedReport

__all__ = ["receiving_organisation", "report_caseworker", "submitted"]  # fixtures used below

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
S3_VARIABLES = {
    "VICTORY_S3_BUCKET": "victory-evidence",
    "VICTORY_S3_ENDPOINT_URL": "https://objects.example.org",
    "VICTORY_S3_REGION": "eu-west-3",
    "VICTORY_S3_ACCESS_KEY_ID": "AKIAEXAMPLEONLY",
    "VICTORY_S3_SECRET_ACCESS_KEY": "not-a-real-secret-key-example-only",
    "VICTORY_S3_PREFIX": "uploads",
}


def _default_storage_with(variables: dict[str, str], var_dir: Path) -> dict[str, object]:
    """settings.STORAGES["default"] as the base settings build it from ``variables``."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("VICTORY_", "DJANGO_"))}
    environment.update(variables, VICTORY_ENV="development", VICTORY_VAR_DIR=str(var_dir))
    printed = subprocess.run(  # noqa: S603  (our own interpreter, fixed code)
        [
            sys.executable,
            "-c",
            "import json; from victory.settings import base; print(json.dumps(base.STORAGES['default'], default=str))",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(printed.stdout))


def test_the_variables_choose_s3_storage_with_their_options(tmp_path: Path) -> None:
    storage = _default_storage_with(S3_VARIABLES, tmp_path)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert isinstance(options, dict)
    assert options["bucket_name"] == "victory-evidence"
    assert options["endpoint_url"] == "https://objects.example.org"
    assert options["region_name"] == "eu-west-3"
    assert options["access_key"] == "AKIAEXAMPLEONLY"
    assert options["secret_key"] == "not-a-real-secret-key-example-only"
    assert options["location"] == "uploads"
    assert options["file_overwrite"] is False  # two files of one name are both kept
    assert options["default_acl"] is None  # never public-read
    # django-storages takes every one of them (it connects only when a file is used).
    from storages.backends.s3 import S3Storage

    s3 = S3Storage(**options)
    assert s3.bucket_name == "victory-evidence"
    with pytest.raises(NotImplementedError):
        s3.path("anything")  # what the evidence code below must never need


def test_without_a_bucket_files_stay_on_the_local_disk(tmp_path: Path) -> None:
    storage = _default_storage_with({}, tmp_path)
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storage["OPTIONS"] == {"location": str(tmp_path / "media")}


class PathlessStorage(InMemoryStorage):
    """Files in memory and, like S3, no local path for any of them (Django's in-memory
    storage uses paths inside itself only, to organise its own files)."""

    def path(self, name: str) -> str:
        if sys._getframe(1).f_globals.get("__name__") != InMemoryStorage.__module__:
            raise NotImplementedError("This storage has no local paths, as S3 has none.")
        return super().path(name)


@pytest.fixture
def storage_without_paths() -> Iterator[InMemoryStorage]:
    backend = {"BACKEND": f"{__name__}.PathlessStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "default": backend}):
        storage = storages["default"]
        assert isinstance(storage, PathlessStorage)
        with pytest.raises(NotImplementedError):
            storage.path("anything")
        yield storage


def test_evidence_is_stored_encrypted_and_opened_without_a_local_path(
    storage_without_paths: InMemoryStorage, report_caseworker: Membership, submitted: SubmittedReport
) -> None:
    evidence = services.evidence_add(
        upload=SimpleUploadedFile("police letter.pdf", PDF, content_type="application/pdf"), report=submitted.report
    )
    name = evidence.file.name
    assert name
    _folders, names = storage_without_paths.listdir(os.path.dirname(name))
    assert os.path.basename(name) in names
    with storage_without_paths.open(name, "rb") as stored:
        assert PDF not in stored.read()  # encrypted by the platform before the storage sees it
    staff = login(Client(), report_caseworker)
    report_url = f"/en/staff/reports/{submitted.report.reference}/"
    response = staff.get(f"{report_url}files/{evidence.pk}/")
    assert response.status_code == 200
    assert response.content == PDF
