"""Retention: closed cases past the period, not under a legal hold, keep only their statistical fields."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.cases.test_conference_support import (
    accepted_referral,
    add_person,
    convened,
    make_case,
    member,
    two_organisations,
)
from victory.accounts.models import Role
from victory.cases.jobs import JOBS
from victory.cases.models import (
    CaseConference,
    CaseEvent,
    CaseNote,
    CasePerson,
    CaseStatus,
    CaseTask,
    NeedsAssessment,
    Referral,
)
from victory.cases.services.retention import cases_reduce_expired
from victory.core.models import AuditEvent
from victory.reports.models import Report
from victory.reports.services_retention import reports_erase_expired

pytestmark = pytest.mark.django_db


@override_settings(VICTORY_CASE_RETENTION_DAYS=730)
def test_only_expired_unheld_closed_cases_are_reduced_and_statistics_stay() -> None:
    own, partner = two_organisations()
    now = timezone.now()
    long_ago = now - timedelta(days=731)
    expired = make_case(
        own, with_report=True, status=CaseStatus.CLOSED, closed_at=long_ago, close_reason="support_completed"
    )
    report = expired.report
    assert report is not None
    add_person(expired)
    CaseNote(case=expired, body="Private note.").save()
    CaseTask(case=expired, title="Call back").save()
    assessment = NeedsAssessment(case=expired, version=1, stage="screening", protection_level="enhanced")
    assessment.answers = {"a": 1}
    assessment.save()
    referral = accepted_referral(expired, partner)
    conference = convened(expired, member(own, Role.SUPERVISOR), [partner])
    recent = make_case(own, status=CaseStatus.CLOSED, closed_at=now - timedelta(days=100))
    held = make_case(own, status=CaseStatus.CLOSED, closed_at=long_ago, legal_hold="Proceedings open.")
    still_open = make_case(own, closed_at=None)
    add_person(recent)
    add_person(held)

    assert cases_reduce_expired(now=now) == 1

    expired.refresh_from_db()
    assert expired.reduced_at == now
    assert (expired.summary, expired.occurred_date, expired.location) == ("", "", "")
    # The statistical fields stay.
    assert expired.status == CaseStatus.CLOSED and expired.close_reason == "support_completed"
    assert expired.country == "PT" and expired.bias_motivations == ["anti_muslim"]
    assert expired.incident_types == ["violent_attack"] and expired.occurred_month is not None
    assert expired.risk_level == "high" and expired.organisation == own and expired.closed_at == long_ago
    assert not CasePerson.objects.filter(case=expired).exists()
    assert not CaseNote.objects.filter(case=expired).exists() and not CaseTask.objects.filter(case=expired).exists()
    assert NeedsAssessment.objects.get(case=expired).answers == {}
    assert Referral.objects.get(pk=referral.pk).snapshot == {} and Referral.objects.get(pk=referral.pk).message == ""
    assert CaseConference.objects.get(pk=conference.pk).victim_wishes == ""
    assert CaseEvent.objects.filter(case=expired, kind="case.reduced").exists()
    # The report it came from is no longer the case's, and the reports' own job erases it.
    assert expired.report is None
    assert reports_erase_expired(now=now) == 1 and not Report.objects.filter(pk=report.pk).exists()
    assert AuditEvent.objects.filter(action="case.reduced", object_id=str(expired.pk)).exists()
    for untouched in (recent, held, still_open):
        untouched.refresh_from_db()
        assert untouched.reduced_at is None and untouched.summary
    assert CasePerson.objects.filter(case=held).exists()
    # A second run finds nothing more.
    assert cases_reduce_expired(now=now) == 0


@override_settings(VICTORY_CASE_RETENTION_DAYS=30)
def test_runs_in_batches_and_a_capped_run_goes_on_later(monkeypatch: pytest.MonkeyPatch) -> None:
    from victory.cases.services import retention

    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    own, _partner = two_organisations()
    now = timezone.now()
    for _ in range(5):
        make_case(own, status=CaseStatus.CLOSED, closed_at=now - timedelta(days=40))
    assert cases_reduce_expired(now=now, batches=1) == 2
    assert cases_reduce_expired(now=now) == 3


def test_the_job_is_daily() -> None:
    jobs = {job.name: job for job in JOBS}
    assert jobs["cases_reduce_expired"].every == timedelta(days=1)
