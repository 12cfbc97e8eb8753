"""Data-subject rights: export, erasure, the legal hold."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.cases.test_conference_support import accepted_referral, add_person, make_case, member, two_organisations
from victory.accounts.models import Role
from victory.cases.models import Case, CaseEvent, CasePerson, NeedsAssessment, PersonRole, Referral
from victory.cases.services.rights import legal_hold_lift, legal_hold_set, person_erase, person_export
from victory.core.models import AuditEvent
from victory.reports.models import Report

pytestmark = pytest.mark.django_db


def _assessment(case: Case) -> NeedsAssessment:
    assessment = NeedsAssessment(case=case, version=1, stage="screening", protection_level="enhanced")
    assessment.answers = {"wishes": "No court."}
    assessment.save()
    return assessment


def test_export_holds_the_persons_data_and_nothing_of_another_person() -> None:
    own, partner = two_organisations()
    case = make_case(own)
    harmed = add_person(case)
    add_person(case, PersonRole.WITNESS, full_name="Bruno Witness", contact={"phone": "+351 999"}, notes="Saw it.")
    accepted_referral(case, partner)
    _assessment(case)
    supervisor = member(own, Role.SUPERVISOR)
    export = person_export(actor=supervisor.user, person=harmed, with_assessment=True)
    assert export["person"]["full_name"] == "Amina Example"
    assert export["case"]["summary"] == "Pushed at the bus stop by two men."
    assert export["assessments"][0]["answers"] == {"wishes": "No court."}
    assert export["referrals"][0]["recipient"] == partner.name
    assert export["consents"][0]["status"] == "given"
    assert "Bruno" not in str(export) and "+351 999" not in str(export)
    assert AuditEvent.objects.filter(action="case.person_exported", object_id=str(harmed.pk)).exists()
    assert CaseEvent.objects.filter(case=case, kind="person.exported").exists()


def test_a_witness_export_carries_no_assessment_or_consents() -> None:
    own, _partner = two_organisations()
    case = make_case(own)
    add_person(case)
    witness = add_person(case, PersonRole.WITNESS, full_name="Bruno Witness")
    _assessment(case)
    export = person_export(actor=member(own, Role.SUPERVISOR).user, person=witness)
    assert export["person"]["full_name"] == "Bruno Witness"
    assert "assessments" not in export and "consents" not in export
    assert "Amina" not in str(export)
    # The victim's account, its day and place are not the witness's data.
    assert "summary" not in export["case"] and "location" not in export["case"]
    assert "Pushed at the bus stop" not in str(export)


def test_the_assessment_is_in_an_export_only_when_chosen() -> None:
    own, _partner = two_organisations()
    case = make_case(own)
    harmed = add_person(case)
    _assessment(case)
    supervisor = member(own, Role.SUPERVISOR)
    assert "assessments" not in person_export(actor=supervisor.user, person=harmed)
    assert "No court." not in str(person_export(actor=supervisor.user, person=harmed))
    chosen = person_export(actor=supervisor.user, person=harmed, with_assessment=True)
    assert chosen["assessments"][0]["answers"] == {"wishes": "No court."}
    reasons = AuditEvent.objects.filter(action="case.person_exported").order_by("sequence")
    assert [event.reason for event in reasons][-1] == "json+assessment"


def test_only_a_supervisor_exports_or_erases() -> None:
    own, other = two_organisations()
    case = make_case(own)
    harmed = add_person(case)
    with pytest.raises(PermissionDenied):
        person_export(actor=member(own, Role.CASEWORKER).user, person=harmed)
    with pytest.raises(Http404):
        person_export(actor=member(other, Role.SUPERVISOR).user, person=harmed)
    with pytest.raises(PermissionDenied):
        person_erase(actor=member(own, Role.CASEWORKER).user, person=harmed, reason="Asked.")


def test_erase_empties_the_fields_and_keeps_the_row() -> None:
    own, partner = two_organisations()
    case = make_case(own, with_report=True)
    report = case.report
    assert report is not None
    harmed = add_person(case)
    witness = add_person(case, PersonRole.WITNESS, full_name="Bruno Witness")
    referral = accepted_referral(case, partner)
    _assessment(case)
    erased = person_erase(actor=member(own, Role.SUPERVISOR).user, person=harmed, reason="She asked on 3 May.")
    assert erased is True
    harmed = CasePerson.objects.get(pk=harmed.pk)
    assert (harmed.full_name, harmed.contact, harmed.notes) == ("", None, "")
    assert harmed.erased_at is not None
    assert CasePerson.objects.get(pk=witness.pk).full_name == "Bruno Witness"
    assert NeedsAssessment.objects.get(case=case).answers == {}
    case.refresh_from_db()
    assert (case.summary, case.occurred_date, case.location) == ("", "", "")
    assert case.occurred_month is not None and case.bias_motivations == ["anti_muslim"]
    assert Referral.objects.get(pk=referral.pk).snapshot == {}
    assert case.report is None
    assert Report.objects.get(pk=report.pk).deletion_requested_at is not None
    assert CaseEvent.objects.filter(case=case, kind="person.erased").exists()


def test_a_legal_hold_keeps_the_data_and_records_the_refusal() -> None:
    own, _partner = two_organisations()
    case = make_case(own)
    harmed = add_person(case)
    supervisor = member(own, Role.SUPERVISOR)
    legal_hold_set(actor=supervisor.user, case=case, reason="Court order of 3 May.", expected_version=case.version)
    erased = person_erase(actor=supervisor.user, person=harmed, reason="She asked.")
    assert erased is False
    harmed.refresh_from_db()
    assert harmed.full_name == "Amina Example" and harmed.erased_at is None
    assert CaseEvent.objects.filter(case=case, kind="person.erasure_held").exists()
    assert AuditEvent.objects.filter(action="case.person_erasure_held").exists()
    legal_hold_lift(actor=supervisor.user, case=case, expected_version=case.version)
    assert person_erase(actor=supervisor.user, person=harmed, reason="She asked.") is True
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "case.legal_hold_set" in kinds and "case.legal_hold_lifted" in kinds
