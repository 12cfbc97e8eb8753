"""The demo reports: routed to the fictional organisations, labelled fictional, sent once,
and their receipts open them."""

from __future__ import annotations

import json
import stat
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django import Settings

from victory.accounts.demo import DEMO_ORGANISATIONS
from victory.reports import services
from victory.reports.models import CountryIntake, Report

pytestmark = pytest.mark.django_db


def _name(slug: str) -> str:
    return next(demo.name for demo in DEMO_ORGANISATIONS if demo.slug == slug)


@pytest.fixture
def demo_world() -> None:
    call_command("seed_demo", verbosity=0, stdout=StringIO())


def test_demo_reports_are_routed_fictional_and_open_with_their_receipts(demo_world: None, tmp_path: Path) -> None:
    receipts = tmp_path / "demo-receipts.json"
    call_command("seed_demo_reports", receipts=receipts, stdout=StringIO())
    intake = {row.country: row.organisation.name for row in CountryIntake.objects.select_related("organisation")}
    assert intake == {"PT": _name("support-pt"), "ES": _name("support-es"), "*": _name("support-pt")}
    reports = list(Report.objects.select_related("organisation"))
    assert len(reports) == 3
    assert all(report.narrative.startswith("(Fictional demo report)") for report in reports)
    assert all(report.organisation.is_fictional for report in reports)
    assert [report.occurred_on for report in reports if report.occurred_on] == [date(2025, 3, 14)]
    assert stat.S_IMODE(receipts.stat().st_mode) == 0o600
    rows = json.loads(receipts.read_text())
    assert len(rows) == 3
    for index, row in enumerate(rows):
        assert set(row) == {"reference", "receipt", "organisation"}
        report = services.receipt_login(receipt=row["receipt"], client=f"demo-{index}")
        assert (report.reference, report.organisation.name) == (row["reference"], row["organisation"])


def test_running_again_adds_nothing_and_keeps_the_receipts(demo_world: None, tmp_path: Path) -> None:
    receipts = tmp_path / "demo-receipts.json"
    call_command("seed_demo_reports", receipts=receipts, stdout=StringIO())
    first = receipts.read_text()
    out = StringIO()
    call_command("seed_demo_reports", receipts=receipts, stdout=out)
    assert Report.objects.count() == 3
    assert CountryIntake.objects.count() == 3
    assert receipts.read_text() == first
    assert "already exist" in out.getvalue()


def test_receipts_of_reports_no_longer_in_the_database_leave_the_file(demo_world: None, tmp_path: Path) -> None:
    """A database made again (or reports erased meanwhile) left receipts in the file that
    open nothing: someone trying the first ones would think the inbox is broken."""
    receipts = tmp_path / "demo-receipts.json"
    call_command("seed_demo_reports", receipts=receipts, stdout=StringIO())
    for report in Report.objects.all():  # e.g. erased by the retention job in the meantime
        services.report_deletion_request(report=report)
    services.reports_erase_expired()
    call_command("seed_demo_reports", receipts=receipts, stdout=StringIO())
    rows = json.loads(receipts.read_text())
    assert len(rows) == 3
    assert {row["reference"] for row in rows} == set(Report.objects.values_list("reference", flat=True))
    for index, row in enumerate(rows):
        assert services.receipt_login(receipt=row["receipt"], client=f"again-{index}").reference == row["reference"]


def test_without_the_demo_organisations_it_says_what_to_run(db: None) -> None:
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_reports", stdout=StringIO())


def test_refuses_in_production(demo_world: None, settings: Settings) -> None:
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo_reports", stdout=StringIO())
    assert not Report.objects.exists()
