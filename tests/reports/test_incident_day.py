"""Issue 7, item 11 (part): the exact day of an incident is kept encrypted; only its
month stays readable, for statistics, as the model says.

A copy of the database alone must not give the day someone was attacked: with the
place kind and town it can single a person out. Staff and the reporter still see it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import formats, translation

from tests.conftest import login
from tests.openapi_check import OpenAPIClient
from tests.reports.conftest import make_draft
from tests.reports.test_acknowledgement_pdf import pdf_text
from tests.reports.test_intake_views import go_through, send
from victory.accounts.models import Membership, Organisation
from victory.reports import services
from victory.reports.models import Report

pytestmark = pytest.mark.django_db

DAY = date(2025, 2, 13)


def _raw_row(report_id: int) -> dict[str, Any]:
    """The report's row as the database holds it, read with raw SQL (no decryption)."""
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Report._meta.db_table)
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [report_id])  # noqa: S608  (the model's table)
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def _spellings(day: date) -> list[str]:
    return [day.isoformat(), day.strftime("%Y%m%d"), day.strftime("%d/%m/%Y"), day.strftime("%d.%m.%Y")]


def test_the_raw_row_holds_the_month_but_not_the_day(receiving_organisation: Organisation) -> None:
    report = services.report_submit(draft=make_draft(occurred_on=DAY)).report
    row = _raw_row(report.pk)
    text = "\n".join(str(value) for value in row.values() if value is not None)
    for spelling in _spellings(DAY):
        assert spelling not in text, spelling
    assert "occurred_on" not in row
    assert str(row["occurred_month"]) == "2025-02-01"  # readable, for counts by month
    assert str(row["occurred_date"]).startswith("v")  # ciphertext
    report.refresh_from_db()
    assert report.occurred_on == DAY


def test_without_a_date_neither_the_day_nor_the_month_is_stored(receiving_organisation: Organisation) -> None:
    report = services.report_submit(draft=make_draft()).report
    row = _raw_row(report.pk)
    assert (row["occurred_date"], row["occurred_month"]) == ("", None)
    report.refresh_from_db()
    assert report.occurred_on is None


def test_the_form_date_reaches_staff_and_the_reporter(
    client: Client, receiving_organisation: Organisation, report_caseworker: Membership
) -> None:
    go_through(client)  # the journey gives 3 2 2025
    send(client)
    report = Report.objects.get()
    assert report.occurred_on == date(2025, 2, 3)
    assert "2025-02-03" not in "\n".join(str(value) for value in _raw_row(report.pk).values())
    with translation.override("en"):
        shown = formats.date_format(date(2025, 2, 3))
    # The reporter, in the acknowledgement from the browser that sent it.
    assert shown in " ".join(pdf_text(client.get("/en/report/acknowledgement.pdf").content).split())
    # The receiving organisation, on the report's page.
    staff = login(OpenAPIClient(), report_caseworker)
    assert shown in staff.get(f"/en/staff/reports/{report.reference}/").content.decode()


def test_the_reporter_api_still_gives_the_day(client: Client, receiving_organisation: Organisation) -> None:
    sent = services.report_submit(draft=make_draft(occurred_on=DAY))
    session = client.post("/api/v1/reports/session", {"receipt": sent.receipt}, content_type="application/json")
    token = session.json()["token"]
    mine = client.get("/api/v1/reports/mine", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert json.loads(mine.content)["answers"]["occurred_on"] == DAY.isoformat()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_days_and_keeps_the_month(receiving_organisation: Organisation) -> None:
    """Rows stored before the change keep their date: the day encrypted, the month clear;
    and the way back restores the old column."""
    before = [("reports", "0001_initial")]
    after = [("reports", "0002_report_occurred_date_encrypted")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldReport = old_apps.get_model("reports", "Report")
    organisation_id = receiving_organisation.pk
    common = {"organisation_id": organisation_id, "narrative": "", "erase_after": "2030-01-01T00:00:00Z"}
    dated = OldReport.objects.create(reference="VT-OLD1", receipt_digest="a" * 64, occurred_on=DAY, **common)
    undated = OldReport.objects.create(reference="VT-OLD2", receipt_digest="b" * 64, occurred_on=None, **common)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    row = _raw_row(dated.pk)
    assert str(row["occurred_month"]) == "2025-02-01"
    text = "\n".join(str(value) for value in row.values() if value is not None)
    assert DAY.isoformat() not in text
    new_apps = executor.loader.project_state(after).apps
    NewReport = new_apps.get_model("reports", "Report")
    assert NewReport.objects.get(pk=dated.pk).occurred_date == DAY.isoformat()  # decrypts
    assert (_raw_row(undated.pk)["occurred_date"], _raw_row(undated.pk)["occurred_month"]) == ("", None)

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    assert OldReport.objects.get(pk=dated.pk).occurred_on == DAY
    assert OldReport.objects.get(pk=undated.pk).occurred_on is None

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Report.objects.get(pk=dated.pk).occurred_on == DAY
