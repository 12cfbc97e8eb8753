"""Recording needs-assessment versions (victory/cases/services/assessment.py): versions
are never edited, a redo says why, the case's protection level follows the latest, a
stale form is refused, and only the assignee and the supervisors may record or read."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from tests.factories import MembershipFactory, OrganisationFactory
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, Role, User
from victory.cases.concurrency import StaleEdit
from victory.cases.models import (
    Case,
    CaseEvent,
    ImmutableRecordError,
    IntakeChannel,
    NeedsAssessment,
    ProtectionLevel,
)
from victory.cases.references import case_reference_new
from victory.cases.selectors.assessment import assessment_for_sharing
from victory.cases.services.assessment import assessment_record
from victory.core.audit import audit_events_for

pytestmark = pytest.mark.django_db


def member(organisation: Organisation, role: str = Role.CASEWORKER) -> Membership:
    membership = MembershipFactory(organisation=organisation, role=role)
    account_services.totp_device_create_confirmed(user=membership.user)
    return membership


def make_case(organisation: Organisation, *, assigned_to: User | None = None) -> Case:
    return Case.objects.create(
        reference=case_reference_new(),
        organisation=organisation,
        intake_channel=IntakeChannel.PHONE,
        assigned_to=assigned_to,
    )


def record(actor: User, case: Case, stage: str = "screening", reason: str = "", **answers: object) -> NeedsAssessment:
    case.refresh_from_db()
    return assessment_record(
        actor=actor, case=case, stage=stage, answers=answers, reason=reason, expected_version=case.version
    )


@pytest.fixture
def assignee(organisation: Organisation) -> Membership:
    return member(organisation)


@pytest.fixture
def case(organisation: Organisation, assignee: Membership) -> Case:
    return make_case(organisation, assigned_to=assignee.user)


def test_a_first_screening_is_version_1_and_sets_the_case_level(case: Case, assignee: Membership) -> None:
    assessment = record(assignee.user, case, is_child="yes")
    assert (assessment.version, assessment.stage, assessment.detailed_needed) == (1, "screening", True)
    case.refresh_from_db()
    assert case.protection_level == ProtectionLevel.STANDARD
    event = CaseEvent.objects.get(case=case, kind="assessment.recorded")
    assert event.params == {"version": 1, "stage": "screening", "protection": "standard"}


def test_the_answers_are_stored_encrypted(case: Case, assignee: Membership) -> None:
    from django.db import connection

    record(assignee.user, case, screening_notes="She sleeps at her sister's now.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM cases_needsassessment")
        (stored,) = cursor.fetchone()
    assert "sister" not in stored


def test_a_version_is_never_edited(case: Case, assignee: Membership) -> None:
    assessment = record(assignee.user, case)
    assessment.protection_level = ProtectionLevel.ENHANCED
    with pytest.raises(ImmutableRecordError):
        assessment.save()


def test_the_detailed_assessment_after_the_screening_needs_no_reason_but_a_redo_does(
    case: Case, assignee: Membership
) -> None:
    record(assignee.user, case, feels_safe="no")
    record(assignee.user, case, "detailed", feels_safe="no")
    with pytest.raises(ValidationError) as refused:
        record(assignee.user, case, "detailed", feels_safe="yes")
    assert "reason" in refused.value.message_dict
    assert NeedsAssessment.objects.filter(case=case).count() == 2  # nothing half-written
    third = record(assignee.user, case, "detailed", reason="Circumstances changed: she moved.", feels_safe="yes")
    assert third.version == 3


def test_earlier_versions_stay_as_they_were_and_the_case_follows_the_latest(case: Case, assignee: Membership) -> None:
    record(assignee.user, case, "detailed", risk_retaliation="high", risk_retaliation_reason="Threats.")
    case.refresh_from_db()
    assert case.protection_level == ProtectionLevel.ENHANCED
    record(assignee.user, case, "detailed", reason="Circumstances changed: he was convicted.")
    case.refresh_from_db()
    assert case.protection_level == ProtectionLevel.NONE
    first = NeedsAssessment.objects.get(case=case, version=1)
    assert first.protection_level == ProtectionLevel.ENHANCED
    assert first.answers["risk_retaliation"] == "high"


def test_a_stale_form_is_refused_and_nothing_is_written(case: Case, assignee: Membership) -> None:
    old_version = case.version
    record(assignee.user, case)
    with pytest.raises(StaleEdit):
        assessment_record(
            actor=assignee.user,
            case=case,
            stage="screening",
            answers={},
            reason="Changed.",
            expected_version=old_version,
        )
    assert NeedsAssessment.objects.filter(case=case).count() == 1


def test_wrong_answers_are_refused_by_field(case: Case, assignee: Membership) -> None:
    with pytest.raises(ValidationError) as refused:
        record(assignee.user, case, "detailed", risk_repeat="medium", is_child="perhaps")
    assert set(refused.value.message_dict) == {"risk_repeat_reason", "is_child"}
    assert not NeedsAssessment.objects.exists()


def test_a_colleague_who_is_not_assigned_and_another_organisation_get_404(
    case: Case, organisation: Organisation
) -> None:
    colleague = member(organisation)
    stranger = member(OrganisationFactory(countries=["ES"]), Role.SUPERVISOR)
    for person in (colleague, stranger):
        with pytest.raises(Http404):
            record(person.user, case)
    assert not NeedsAssessment.objects.exists()


def test_a_supervisor_records_it(case: Case, organisation: Organisation) -> None:
    supervisor = member(organisation, Role.SUPERVISOR)
    assert record(supervisor.user, case).version == 1


def test_the_write_is_audited(case: Case, assignee: Membership) -> None:
    record(assignee.user, case)
    assert "case.assessment.record" in set(audit_events_for(case).values_list("action", flat=True))


def test_sharing_gives_the_latest_version_as_plain_data(case: Case, assignee: Membership) -> None:
    assert assessment_for_sharing(case=case) == {}
    record(assignee.user, case, is_child="yes")
    record(assignee.user, case, "detailed", is_child="yes", refused_measures=["recorded_interview"])
    shared = assessment_for_sharing(case=case)
    assert shared["version"] == 2
    assert shared["answers"]["refused_measures"] == ["recorded_interview"]
    assert shared["result"]["refused_measures"] == ["recorded_interview"]
    assert "recorded_interview" not in shared["result"]["special_measures"]
    import json

    json.dumps(shared)  # JSON-able as it is
