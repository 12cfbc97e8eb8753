"""What a reporter gives never lies readable in the database or in file storage, and the
receipt is stored nowhere at all (only its hash)."""

from __future__ import annotations

import io
import logging
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from tests.reports.conftest import make_draft
from victory.accounts.models import Membership, Organisation
from victory.reports import services
from victory.reports.receipts import receipt_format

pytestmark = pytest.mark.django_db

NARRATIVE = "Marguerite-Unique-Narrative: they painted slurs on my front door"
EMAIL = "marguerite.unique@example.org"
PHONE = "+351 900 555 123"
MESSAGE = "Unique-Message-Text: the graffiti came back tonight"
REPLY = "Unique-Reply-Text: we will call you tomorrow"
FILE_MARKER = b"UNIQUE-FILE-CONTENT-0451"


def _everything_in_the_database() -> str:
    """Every value of every table, as text, read with raw SQL (no decryption)."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608  (table names from introspection)
            for row in cursor.fetchall():
                chunks.extend(
                    bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)
                    for value in row
                    if value is not None
                )
    return "\n".join(chunks)


def _everything_on_disk(root: Path) -> bytes:
    return b"".join(path.read_bytes() for path in root.rglob("*") if path.is_file())


@pytest.fixture
def storage_dir(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def test_report_contents_are_ciphertext_and_the_receipt_is_nowhere(
    receiving_organisation: Organisation,
    report_caseworker: Membership,
    storage_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    pdf = b"%PDF-1.4\n" + FILE_MARKER + b"\n%%EOF\n"
    sent = services.report_submit(
        draft=make_draft(
            narrative=NARRATIVE,
            contact_email=EMAIL,
            contact_phone=PHONE,
            location="Rua Unique-Location 7",
            offender_description="Unique-Offender-Description",
            occurred_on=date(2024, 11, 17),
        )
    )
    report = sent.report
    services.reporter_message_send(
        report=report,
        body=MESSAGE,
        files=[SimpleUploadedFile("unique-evidence-name.pdf", pdf, content_type="application/pdf")],
    )
    services.organisation_message_send(actor=report_caseworker.user, report=report, body=REPLY)

    database = _everything_in_the_database()
    disk = _everything_on_disk(storage_dir)
    assert disk, "the evidence file should be in storage"
    for secret in (
        NARRATIVE,
        EMAIL,
        PHONE,
        MESSAGE,
        REPLY,
        "Unique-Location",
        "Unique-Offender",
        "unique-evidence-name",
        "2024-11-17",  # the exact day; only its month stays readable
    ):
        assert secret not in database, secret
        assert secret.encode() not in disk, secret
    assert FILE_MARKER not in disk
    # The receipt, in any spelling, is in neither place, nor in any log line.
    for spelling in (sent.receipt, receipt_format(sent.receipt)):
        assert spelling not in database
        assert spelling.encode() not in disk
        assert spelling not in caplog.text
    assert report.receipt_digest in database  # only its hash
    # And the platform still reads it all back.
    report.refresh_from_db()
    assert report.narrative == NARRATIVE
    assert report.occurred_on == date(2024, 11, 17)
    assert report.contact["email"] == EMAIL
