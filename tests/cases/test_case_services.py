"""The case itself, through its services: opening, lifecycle, closing with approval,
assignment, the reporter's messages, and the list's filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory, make_report
from victory.accounts.models import Membership, Organisation, Role
from victory.cases.concurrency import StaleEdit
from victory.cases.keyset import InvalidCursor
from victory.cases.models import Case, CaseEvent, CaseScope, CaseStatus, ProtectionLevel, RiskLevel
from victory.cases.selectors import case as case_selectors
from victory.cases.selectors.case import CaseFilters
from victory.cases.services import case as case_services
from victory.core.models import AuditEvent
from victory.reports import services as report_services
from victory.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(organisation: Organisation) -> Membership:
    return MembershipFactory(organisation=organisation, role=Role.SUPERVISOR)


def direct(membership: Membership, **overrides: object) -> Case:
    values: dict[str, object] = {
        "actor": membership.user,
        "organisation": membership.organisation,
        "channel": "phone",
        "language": "pt",
        "summary": "Insults at the market.",
        "country": "PT",
        "bias_motivations": ["racism_xenophobia"],
        "incident_types": ["threat_harassment"],
    }
    values.update(overrides)
    return case_services.case_open_direct(**values)  # type: ignore[arg-type]


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_opening_from_a_report_copies_the_coded_fields_and_only_once(caseworker: Membership) -> None:
    report = make_report(organisation=caseworker.organisation, language="pt", place_kind="online").report
    case = case_services.case_open_from_report(actor=caseworker.user, report=report)
    assert case.reference.startswith("CA-")
    assert case.language == "pt"
    assert case.online is True
    assert case.bias_motivations == ["anti_muslim", "gender"]
    assert case.summary == ""  # the narrative stays the report's
    assert Report.objects.get(pk=report.pk).became_case
    again = case_services.case_open_from_report(actor=caseworker.user, report=report)
    assert again.pk == case.pk
    assert Case.objects.filter(report=report).count() == 1
    # Opened once; the report's two consents (contact, statistics) became its first records.
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "case.opened",
        "consent.given",
        "consent.given",
    ]


def test_another_organisation_cannot_open_a_report(caseworker: Membership, other_organisation: Organisation) -> None:
    outsider = MembershipFactory(organisation=other_organisation, role=Role.CASEWORKER)
    report = make_report(organisation=caseworker.organisation).report
    with pytest.raises(Http404):
        case_services.case_open_from_report(actor=outsider.user, report=report)


def test_direct_intake_checks_each_field(caseworker: Membership) -> None:
    with pytest.raises(ValidationError) as caught:
        direct(caseworker, channel="report", language="xx", summary=" ", bias_motivations=["nope"], country="ZZ")
    assert set(caught.value.message_dict) == {"channel", "language", "summary", "bias_motivations", "country"}
    assert not Case.objects.exists()
    future = timezone.localdate() + timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        direct(caseworker, occurred_on=future)
    assert "occurred_on" in caught.value.message_dict


def test_the_lifecycle_and_an_out_of_order_move(caseworker: Membership) -> None:
    case = direct(caseworker)
    with pytest.raises(ValidationError) as caught:
        case_services.case_transition(actor=caseworker.user, case=case, to="support", expected_version=case.version)
    message = caught.value.message_dict["status"][0]
    assert "Triage" in message and "Support" in message
    assert fresh(case).status == CaseStatus.NEW
    case = fresh(case)
    case_services.case_transition(actor=caseworker.user, case=case, to="triage", expected_version=case.version)
    case_services.case_transition(actor=caseworker.user, case=case, to="assessment", expected_version=case.version)
    case_services.case_close(
        actor=caseworker.user, case=case, reason="support_completed", expected_version=case.version
    )
    assert fresh(case).status == CaseStatus.CLOSED
    case_services.case_reopen(actor=caseworker.user, case=case, expected_version=case.version)
    assert fresh(case).status == CaseStatus.REOPENED
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["case.opened", "case.status_changed", "case.status_changed", "case.closed", "case.reopened"]


def test_a_stale_version_is_refused_and_nothing_changes(caseworker: Membership) -> None:
    case = direct(caseworker)
    old = case.version
    case_services.case_transition(actor=caseworker.user, case=case, to="triage", expected_version=old)
    stale = Case.objects.get(pk=case.pk)
    with pytest.raises(StaleEdit):
        case_services.case_close(actor=caseworker.user, case=stale, reason="other", expected_version=old)
    assert fresh(case).status == CaseStatus.TRIAGE


def test_closing_with_open_protection_needs_waits_for_a_supervisor(
    caseworker: Membership, supervisor: Membership
) -> None:
    case = direct(caseworker)
    Case.objects.filter(pk=case.pk).update(risk_level=RiskLevel.HIGH)
    case = fresh(case)
    case_services.case_close(actor=caseworker.user, case=case, reason="no_contact", expected_version=case.version)
    case = fresh(case)
    assert case.status == CaseStatus.NEW and case.close_requested_at is not None
    with pytest.raises(PermissionDenied):
        case_services.case_close_decide(actor=caseworker.user, case=case, approve=True, expected_version=case.version)
    case_services.case_close_decide(actor=supervisor.user, case=case, approve=False, expected_version=case.version)
    case = fresh(case)
    assert case.close_requested_at is None and case.status == CaseStatus.NEW
    case_services.case_close(actor=caseworker.user, case=case, reason="no_contact", expected_version=case.version)
    case = fresh(case)
    case_services.case_close_decide(actor=supervisor.user, case=case, approve=True, expected_version=case.version)
    case = fresh(case)
    assert case.status == CaseStatus.CLOSED and case.close_reason == "no_contact"


def test_a_supervisor_closes_at_once(supervisor: Membership) -> None:
    case = direct(supervisor)
    Case.objects.filter(pk=case.pk).update(protection_level=ProtectionLevel.ENHANCED)
    case = fresh(case)
    case_services.case_close(actor=supervisor.user, case=case, reason="other", expected_version=case.version)
    assert fresh(case).status == CaseStatus.CLOSED


def test_assignment_rules(caseworker: Membership, supervisor: Membership, other_organisation: Organisation) -> None:
    colleague = MembershipFactory(organisation=caseworker.organisation, role=Role.CASEWORKER)
    outsider = MembershipFactory(organisation=other_organisation, role=Role.CASEWORKER)
    case = direct(caseworker)
    # A caseworker takes a case for themselves, never gives it to a colleague.
    with pytest.raises(PermissionDenied):
        case_services.case_assign(
            actor=caseworker.user, case=case, assignee=colleague.user, expected_version=case.version
        )
    case_services.case_assign(actor=caseworker.user, case=case, assignee=caseworker.user, expected_version=case.version)
    # Now it is theirs: the colleague no longer sees it.
    with pytest.raises(Http404):
        case_services.case_assign(
            actor=colleague.user, case=fresh(case), assignee=colleague.user, expected_version=case.version
        )
    case = fresh(case)
    with pytest.raises(ValidationError):
        case_services.case_assign(
            actor=supervisor.user, case=case, assignee=outsider.user, expected_version=case.version
        )
    case_services.case_assign(actor=supervisor.user, case=case, assignee=colleague.user, expected_version=case.version)
    assert fresh(case).assigned_to_id == colleague.user.pk
    event = CaseEvent.objects.filter(case=case, kind="case.assigned").last()
    assert event is not None and event.subject_user_id == colleague.user.pk


def test_the_reporter_writing_counts_and_opening_resets(caseworker: Membership) -> None:
    sent = make_report(organisation=caseworker.organisation)
    case = case_services.case_open_from_report(actor=caseworker.user, report=sent.report)
    report_services.reporter_message_send(report=sent.report, body="Any news?")
    report_services.reporter_message_send(report=sent.report, body="Hello?")
    case = fresh(case)
    assert case.unread_messages == 2 and case.awaiting_reply_since is not None
    assert CaseEvent.objects.filter(case=case, kind="message.received").count() == 2
    case_services.case_view(actor=caseworker.user, case=case)
    case = fresh(case)
    assert case.unread_messages == 0
    assert AuditEvent.objects.filter(action="case.read.case", object_id=str(case.pk)).exists()
    case_services.case_message_send(
        actor=caseworker.user, case=case, body="We are on it.", expected_version=case.version
    )
    case = fresh(case)
    assert case.awaiting_reply_since is None
    assert "We are on it." in [message.body for message in sent.report.messages.all()]


def test_a_direct_case_has_no_inbox(caseworker: Membership) -> None:
    case = direct(caseworker)
    with pytest.raises(ValidationError) as caught:
        case_services.case_message_send(actor=caseworker.user, case=case, body="Hi", expected_version=case.version)
    assert "body" in caught.value.message_dict


def test_filters_sorts_and_keyset_pages(caseworker: Membership, supervisor: Membership) -> None:
    racism = direct(caseworker, bias_motivations=["racism_xenophobia", "anti_roma"])
    other = direct(caseworker, bias_motivations=["anti_roma"], incident_types=["property_attack"], language="en")
    # "racism_xenophobia" must not match a list that only contains a code which merely contains it.
    got = case_selectors.case_list(user=supervisor.user, filters=CaseFilters(bias_motivation="racism_xenophobia"))
    assert [case.pk for case in got.items] == [racism.pk]
    got = case_selectors.case_list(user=supervisor.user, filters=CaseFilters(incident_type="property_attack"))
    assert [case.pk for case in got.items] == [other.pk]
    got = case_selectors.case_list(user=supervisor.user, filters=CaseFilters(language="en"))
    assert [case.pk for case in got.items] == [other.pk]
    got = case_selectors.case_list(user=supervisor.user, filters=CaseFilters(reference=racism.reference.lower()))
    assert [case.pk for case in got.items] == [racism.pk]
    Case.objects.filter(pk=other.pk).update(
        risk_level=RiskLevel.HIGH, next_task_due=timezone.localdate() - timedelta(days=1)
    )
    got = case_selectors.case_list(user=supervisor.user, filters=CaseFilters(task_due="overdue"))
    assert [case.pk for case in got.items] == [other.pk]
    got = case_selectors.case_list(user=supervisor.user, filters=CaseFilters(), sort="risk")
    assert [case.pk for case in got.items] == [other.pk, racism.pk]
    got = case_selectors.case_list(user=supervisor.user, filters=CaseFilters(assignee="unassigned"), sort="oldest")
    assert [case.pk for case in got.items] == [racism.pk, other.pk]
    with pytest.raises(InvalidCursor):
        case_selectors.case_list(user=supervisor.user, filters=CaseFilters(), after="not-a-cursor")


def test_keyset_pages_walk_every_case_once(supervisor: Membership, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(case_selectors, "PAGE_SIZE", 2)
    made = {direct(supervisor).pk for _ in range(5)}
    for sort in ("newest", "oldest", "task_due", "risk"):
        seen: list[int] = []
        after = None
        while True:
            page = case_selectors.case_list(user=supervisor.user, filters=CaseFilters(), sort=sort, after=after)
            seen += [case.pk for case in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
        assert sorted(seen) == sorted(made), sort


def test_totals_count_open_cases_by_status(supervisor: Membership) -> None:
    direct(supervisor)
    closing = direct(supervisor)
    case_services.case_close(actor=supervisor.user, case=closing, reason="other", expected_version=closing.version)
    totals = {status: number for status, _label, number in case_selectors.open_totals(user=supervisor.user)}
    assert totals["new"] == 1 and "closed" not in totals


def test_a_caseworkers_totals_count_the_intake_and_their_own_cases_only(
    caseworker: Membership, supervisor: Membership, other_organisation: Organisation
) -> None:
    """The totals are counted per part of what the caseworker sees (the unassigned
    intake, their own cases) and add up to what their list shows: a colleague's case,
    a closed one and another organisation's are not counted. Where the caseworker is
    also a supervisor elsewhere, that organisation's cases count too."""
    colleague = MembershipFactory(organisation=caseworker.organisation, role=Role.CASEWORKER)
    intake = direct(caseworker)
    mine = direct(caseworker)
    case_services.case_assign(actor=supervisor.user, case=mine, assignee=caseworker.user, expected_version=None)
    theirs = direct(caseworker)
    case_services.case_assign(actor=supervisor.user, case=theirs, assignee=colleague.user, expected_version=None)
    closed = direct(supervisor)
    case_services.case_close(actor=supervisor.user, case=closed, reason="other", expected_version=closed.version)
    elsewhere = MembershipFactory(organisation=other_organisation, role=Role.SUPERVISOR, user=caseworker.user)
    direct(elsewhere)
    direct(elsewhere)

    totals = {status: number for status, _label, number in case_selectors.open_totals(user=caseworker.user)}
    listed = case_selectors.case_list(user=caseworker.user, filters=CaseFilters(status="open")).items
    assert totals["new"] == 4 == len(listed), "intake, mine and two in the supervised organisation"
    assert {case.pk for case in listed} >= {intake.pk, mine.pk} and theirs.pk not in {case.pk for case in listed}


def test_a_case_scope_serves_only_the_user_it_was_looked_up_for(caseworker: Membership, supervisor: Membership) -> None:
    """A page looks up where its user works cases once and passes it on: given to
    another user's query, it is refused rather than showing that user the first's cases."""
    scope = CaseScope.of(supervisor.user)
    assert case_selectors.open_totals(user=supervisor.user, scope=scope)
    with pytest.raises(ValueError, match="another user"):
        case_selectors.case_list(user=caseworker.user, filters=CaseFilters(), scope=scope)


def test_the_inbox_shows_intake_unassigned_and_mine(caseworker: Membership) -> None:
    waiting = make_report(organisation=caseworker.organisation).report
    taken = make_report(organisation=caseworker.organisation).report
    case = case_services.case_open_from_report(actor=caseworker.user, report=taken)
    inbox = case_selectors.caseworker_inbox(user=caseworker.user)
    assert [report.pk for report in inbox.intake.items] == [waiting.pk]
    assert [c.pk for c in inbox.unassigned.items] == [case.pk]
    case_services.case_assign(actor=caseworker.user, case=case, assignee=caseworker.user, expected_version=case.version)
    inbox = case_selectors.caseworker_inbox(user=caseworker.user)
    assert [c.pk for c in inbox.mine.items] == [case.pk] and not inbox.unassigned.items


def test_other_organisations_cases_are_invisible(caseworker: Membership) -> None:
    elsewhere = MembershipFactory(organisation=OrganisationFactory(), role=Role.SUPERVISOR)
    direct(elsewhere)
    assert case_selectors.case_list(user=caseworker.user, filters=CaseFilters()).items == []


def test_unread_awaiting_and_a_report_reference(caseworker: Membership) -> None:
    sent = make_report(organisation=caseworker.organisation)
    case = case_services.case_open_from_report(actor=caseworker.user, report=sent.report)
    quiet = direct(caseworker)
    report_services.reporter_message_send(report=sent.report, body="Any news?")

    def listed(**filters: object) -> list[int]:
        page = case_selectors.case_list(user=caseworker.user, filters=CaseFilters(**filters))  # type: ignore[arg-type]
        return [c.pk for c in page.items]

    assert listed(unread=True) == [case.pk]
    assert listed(awaiting_days=2) == []
    Case.objects.filter(pk=case.pk).update(awaiting_reply_since=timezone.now() - timedelta(days=3))
    assert listed(awaiting_days=2) == [case.pk]
    assert listed(reference=sent.report.reference.lower()) == [case.pk]
    assert listed(assignee="unassigned", status="open") == [quiet.pk, case.pk]


def test_an_edit_changes_the_incident_only(caseworker: Membership) -> None:
    case = direct(caseworker)
    Case.objects.filter(pk=case.pk).update(unread_messages=4)  # kept by others meanwhile, without a version
    fields = case_services.IncidentFields(summary="Now in full.", country="ES", occurred_on=date(2026, 3, 31))
    case_services.case_update(actor=caseworker.user, case=case, expected_version=case.version, fields=fields)
    case = fresh(case)
    assert case.summary == "Now in full." and case.occurred_month == date(2026, 3, 1) and case.unread_messages == 4
