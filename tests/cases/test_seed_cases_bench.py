"""The cases benchmark's generator (``manage.py seed_cases_bench``): a small run."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count

from victory.accounts.models import Membership, Organisation, Role
from victory.cases.management.commands import seed_cases_bench
from victory.cases.models import Case, CaseStatus, CaseTask
from victory.reports.models import Report

pytestmark = pytest.mark.django_db


def _seed(cases: int, **options: Any) -> None:
    call_command("seed_cases_bench", cases=cases, organisations=5, batch=100, verbosity=0, **options)


def _bench_cases() -> Any:
    return Case.objects.filter(reference__startswith=seed_cases_bench.CASE_PREFIX)


def test_generates_the_cases_in_skewed_organisations() -> None:
    _seed(600)

    assert _bench_cases().count() == 600
    organisations = Organisation.objects.filter(name__startswith="Bench cases organisation")
    assert organisations.count() == 5
    assert all(organisation.is_fictional for organisation in organisations)
    sizes = dict(_bench_cases().values_list("organisation__name").annotate(n=Count("id")))
    # Organisation 1 weighs 1/4, organisation 5 1/8: the first holds clearly more.
    assert sizes["Bench cases organisation 001 (fictional)"] > sizes["Bench cases organisation 005 (fictional)"]
    assert set(_bench_cases().values_list("status", flat=True)) >= {CaseStatus.CLOSED, CaseStatus.SUPPORT}
    assert _bench_cases().filter(report__isnull=False).exists()
    assert _bench_cases().filter(next_task_due__isnull=False).exists()
    assert Report.objects.filter(became_case=False).exists()  # the intake, not yet cases


def test_every_case_stays_within_its_organisation() -> None:
    _seed(300)

    caseworkers = set(Membership.objects.filter(role=Role.CASEWORKER).values_list("organisation_id", "user_id"))
    supervisors = set(Membership.objects.filter(role=Role.SUPERVISOR).values_list("organisation_id", flat=True))
    assert len(supervisors) == 5
    for case in _bench_cases().select_related("report"):
        if case.assigned_to_id is not None:
            assert (case.organisation_id, case.assigned_to_id) in caseworkers
        if case.report is not None:
            assert case.report.organisation_id == case.organisation_id
            assert case.report.became_case
    for task in CaseTask.objects.select_related("case"):
        assert task.assigned_to_id == task.case.assigned_to_id
    open_due = {
        case.pk: case.next_task_due
        for case in _bench_cases().filter(next_task_due__isnull=False).prefetch_related("tasks")
    }
    for task in CaseTask.objects.filter(case_id__in=open_due, done_at__isnull=True):
        assert task.due_on is not None
        assert open_due[task.case_id] <= task.due_on


def test_encrypted_fields_open_as_if_saved_one_by_one() -> None:
    _seed(200)

    case = _bench_cases().filter(report__isnull=False).select_related("report").first()
    assert case is not None
    assert case.summary.startswith("(Fictional benchmark case)")
    assert case.report is not None
    assert case.report.narrative.startswith("(Fictional benchmark report)")
    task = CaseTask.objects.first()
    assert task is not None
    assert task.title
    # The keys were taken from the sequence: a case saved afterwards gets a fresh one.
    later = Case.objects.create(
        reference="CA-TEST-0001", organisation=case.organisation, intake_channel="phone", summary="A later case."
    )
    assert later.pk > max(_bench_cases().values_list("pk", flat=True))
    assert Case.objects.get(pk=later.pk).summary == "A later case."


def test_running_again_completes_and_never_duplicates() -> None:
    _seed(250)
    _seed(250)
    assert _bench_cases().count() == 250
    _seed(420)
    assert _bench_cases().count() == 420
    assert Organisation.objects.filter(name__startswith="Bench cases organisation").count() == 5
    assert _bench_cases().values("reference").distinct().count() == 420


def test_an_interruption_leaves_whole_batches_only(monkeypatch: pytest.MonkeyPatch) -> None:
    written = seed_cases_bench.Command._write
    calls = []

    def write_then_stop(self: seed_cases_bench.Command, batch: seed_cases_bench.Batch) -> None:
        calls.append(batch)
        if len(calls) == 3:
            written(self, batch)  # the third batch is written, then interrupted before its end
            raise KeyboardInterrupt
        written(self, batch)

    monkeypatch.setattr(seed_cases_bench.Command, "_write", write_then_stop)
    with pytest.raises(KeyboardInterrupt):
        _seed(500)

    assert _bench_cases().count() == 200
    assert not CaseTask.objects.exclude(case__in=_bench_cases()).exists()
    assert not Report.objects.filter(became_case=True, case__isnull=True).exists()

    monkeypatch.setattr(seed_cases_bench.Command, "_write", written)
    _seed(500)
    assert _bench_cases().count() == 500
