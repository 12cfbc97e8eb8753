"""A database writer cannot move one report's words into another report.

The outside test found ciphertext bound only to its column: someone able to write to
the database (an insider with SQL access, a compromised backup restored elsewhere)
could copy report A's narrative, contact details or evidence into report B, and B's
caseworkers would read A's story as B's. Ciphertext is now bound to its row too."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from tests.reports.conftest import make_draft
from victory.accounts.models import Organisation
from victory.core.fields import Ciphertext
from victory.core.keyring import DecryptionError, encrypt_text
from victory.reports import services
from victory.reports.models import Report, ReportConsent, ReportEvidence

pytestmark = pytest.mark.django_db


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        (value,) = cursor.fetchone()
    text: str = value
    return text


def write_raw(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.fixture
def two_reports(receiving_organisation: Organisation) -> tuple[Report, Report]:
    first = services.report_submit(draft=make_draft(narrative="Report A: they spat at me outside the mosque."))
    second = services.report_submit(draft=make_draft(narrative="Report B: graffiti on our shop door."))
    return Report.objects.get(reference=first.report.reference), Report.objects.get(reference=second.report.reference)


def test_a_narrative_moved_into_another_report_is_refused(two_reports: tuple[Report, Report]) -> None:
    first, second = two_reports
    write_raw("reports_report", "narrative", second.pk, raw("reports_report", "narrative", first.pk))

    with pytest.raises(DecryptionError, match="moved"):
        Report.objects.get(pk=second.pk)
    # The report the words came from still reads as its own.
    assert Report.objects.get(pk=first.pk).narrative.startswith("Report A")


def test_contact_details_moved_into_another_report_are_refused(receiving_organisation: Organisation) -> None:
    first = services.report_submit(draft=make_draft(contact_email="a@example.org"))
    second = services.report_submit(draft=make_draft(contact_email="b@example.org"))
    a = Report.objects.get(reference=first.report.reference)
    b = Report.objects.get(reference=second.report.reference)
    write_raw("reports_report", "contact", b.pk, raw("reports_report", "contact", a.pk))

    with pytest.raises(DecryptionError, match="moved"):
        Report.objects.get(pk=b.pk)


def test_evidence_moved_to_another_row_does_not_open(two_reports: tuple[Report, Report], tmp_path: Path) -> None:
    first, second = two_reports
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}
    storages = {"default": storage}
    with override_settings(STORAGES={**settings.STORAGES, **storages}):
        photo = ReportEvidence(report=first, original_name="a.jpg", content_type="image/jpeg", size=5)
        photo.file.save("a.jpg", ContentFile(b"A-pic"), save=False)
        photo.save()
        other = ReportEvidence(report=second, original_name="b.jpg", content_type="image/jpeg", size=5)
        other.file.save("b.jpg", ContentFile(b"B-pic"), save=False)
        other.save()
        assert ReportEvidence.objects.get(pk=photo.pk).file.read() == b"A-pic"

        # Point B's evidence row at A's stored file.
        write_raw("reports_reportevidence", "file", other.pk, raw("reports_reportevidence", "file", photo.pk))
        moved = ReportEvidence.objects.get(pk=other.pk)
        with pytest.raises(DecryptionError, match="row"):
            moved.file.read()


def test_values_from_before_rows_were_bound_still_read_and_rotate_keys_binds_them(
    two_reports: tuple[Report, Report],
) -> None:
    first, _second = two_reports
    legacy = encrypt_text("Written by an older version.", context="reports.report.narrative")
    assert legacy.startswith("v1:")  # no row in it
    write_raw("reports_report", "narrative", first.pk, legacy)
    assert Report.objects.get(pk=first.pk).narrative == "Written by an older version."

    call_command("rotate_keys", stdout=io.StringIO(), stderr=io.StringIO())

    assert raw("reports_report", "narrative", first.pk).startswith(f"v2:t2:{first.pk}:")
    assert Report.objects.get(pk=first.pk).narrative == "Written by an older version."


def test_plaintext_cannot_reach_an_encrypted_column_without_its_row(two_reports: tuple[Report, Report]) -> None:
    first, _second = two_reports
    with pytest.raises(FieldError, match="bound to its row"), transaction.atomic():
        Report.objects.filter(pk=first.pk).update(narrative="overwritten in bulk")
    # Empty values carry nothing and may still be set in bulk (erasure does this).
    assert Report.objects.filter(pk=first.pk).update(location="") == 1
    # Raw ciphertext (what rotate_keys writes) passes as it is.
    bound = encrypt_text("again", context="reports.report.narrative", row=str(first.pk))
    Report.objects.filter(pk=first.pk).update(narrative=Ciphertext(bound))
    assert Report.objects.get(pk=first.pk).narrative == "again"


def test_rows_numbered_before_saving_never_collide_with_rows_the_database_numbers(
    two_reports: tuple[Report, Report],
) -> None:
    first, second = two_reports
    # Consents have no encrypted field: the database numbers them itself.
    consent_ids = list(ReportConsent.objects.values_list("pk", flat=True))
    assert len(consent_ids) == len(set(consent_ids))
    assert second.pk > first.pk
    third = services.report_submit(draft=make_draft(narrative="Report C")).report
    assert third.pk > second.pk
    assert raw("reports_report", "narrative", third.pk).startswith(f"v2:t2:{third.pk}:")
