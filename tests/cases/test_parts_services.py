"""The services of a case's working parts: people, tasks, notes, risk flags, reply templates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.cases.test_parts_helpers import make_case, member
from victory.accounts.models import Membership, Organisation, Role
from victory.cases.concurrency import StaleEdit
from victory.cases.models import Case, CaseEvent, CasePerson, ReplyTemplate, RiskLevel
from victory.cases.selectors import parts as selectors
from victory.cases.services import parts as services
from victory.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(organisation: Organisation) -> Case:
    return make_case(organisation)


@pytest.fixture
def supervisor(organisation: Organisation) -> Membership:
    return member(organisation, Role.SUPERVISOR)


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# --- People -------------------------------------------------------------------------


def test_a_person_is_linked_with_encrypted_identity_and_an_event(case: Case, caseworker: Membership) -> None:
    person = services.person_add(
        actor=caseworker.user,
        case=case,
        role="person_harmed",
        full_name="Ana Fictícia",
        email="ana@test.victory.example",
        phone="+351 000 000 000",
        safe_times="Weekdays after 6 pm",
        language="pt",
        is_child=False,
        expected_version=case.version,
    )
    stored = CasePerson.objects.get(pk=person.pk)
    assert stored.full_name == "Ana Fictícia"
    assert stored.contact == {
        "email": "ana@test.victory.example",
        "phone": "+351 000 000 000",
        "safe_times": "Weekdays after 6 pm",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, contact FROM cases_caseperson WHERE id = %s", [person.pk])
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert "Ana" not in raw and "ana@test" not in raw
    assert CaseEvent.objects.filter(case=case, kind="person.added", params={"role": "person_harmed"}).exists()
    assert AuditEvent.objects.filter(action="case.person_added").count() == 1
    assert _fresh(case).version == 2


def test_wrong_person_details_are_named_by_field_and_nothing_is_written(case: Case, caseworker: Membership) -> None:
    other = make_case(case.organisation)
    stranger = services.person_add(actor=caseworker.user, case=other, role="witness", expected_version=None)
    with pytest.raises(ValidationError) as refused:
        services.person_add(
            actor=caseworker.user,
            case=case,
            role="villain",
            email="not an address",
            language="Portuguese",
            related_to=stranger,
            expected_version=case.version,
        )
    assert set(refused.value.message_dict) == {"role", "email", "language", "related_to"}
    assert not case.people.exists()
    assert _fresh(case).version == 1


def test_a_person_is_updated_and_a_stale_edit_is_refused(case: Case, caseworker: Membership) -> None:
    person = services.person_add(actor=caseworker.user, case=case, role="witness", expected_version=None)
    read_at = _fresh(case).version
    services.person_update(
        actor=caseworker.user, person=person, role="supporter", full_name="Rui", expected_version=read_at
    )
    assert CasePerson.objects.get(pk=person.pk).role == "supporter"
    with pytest.raises(StaleEdit):
        services.person_update(
            actor=caseworker.user, person=person, role="witness", full_name="Someone else", expected_version=read_at
        )
    assert CasePerson.objects.get(pk=person.pk).full_name == "Rui"


def test_a_caseworker_who_cannot_see_the_case_gets_404(
    case: Case, caseworker: Membership, other_organisation: Organisation
) -> None:
    stranger = member(other_organisation)
    with pytest.raises(Http404):
        services.person_add(actor=stranger.user, case=case, role="witness", expected_version=None)
    colleague = member(case.organisation)
    case.assigned_to = colleague.user
    case.save()
    with pytest.raises(Http404):  # assigned to a colleague: no longer this caseworker's
        services.note_add(actor=caseworker.user, case=case, body="A note", expected_version=None)


# --- Tasks --------------------------------------------------------------------------


def test_next_task_due_follows_the_earliest_open_task(case: Case, caseworker: Membership) -> None:
    today = timezone.localdate()
    user = caseworker.user
    later = services.task_add(
        actor=user, case=case, title="Call back", due_on=today + timedelta(days=5), expected_version=None
    )
    assert _fresh(case).next_task_due == today + timedelta(days=5)
    sooner = services.task_add(actor=user, case=case, title="Send the form", due_on=today, expected_version=None)
    services.task_add(actor=user, case=case, title="Whenever", expected_version=None)
    assert _fresh(case).next_task_due == today
    services.task_done(actor=user, task=sooner, expected_version=None)
    assert _fresh(case).next_task_due == today + timedelta(days=5)
    services.task_done(actor=user, task=later, expected_version=None)
    assert _fresh(case).next_task_due is None
    services.task_reopen(actor=user, task=sooner, expected_version=None)
    assert _fresh(case).next_task_due == today
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["task.added"] * 3 + ["task.done"] * 2 + ["task.reopened"]


def test_a_task_is_given_only_to_someone_who_works_the_case(
    case: Case, caseworker: Membership, other_organisation: Organisation
) -> None:
    analyst = member(case.organisation, Role.ANALYST)
    outsider = member(other_organisation, Role.SUPERVISOR)
    for assignee in (analyst.user, outsider.user):
        with pytest.raises(ValidationError) as refused:
            services.task_add(
                actor=caseworker.user, case=case, title="Do it", assigned_to=assignee, expected_version=None
            )
        assert list(refused.value.message_dict) == ["assigned_to"]
    with pytest.raises(ValidationError) as past:
        services.task_add(
            actor=caseworker.user,
            case=case,
            title=" ",
            due_on=timezone.localdate() - timedelta(days=1),
            expected_version=None,
        )
    assert set(past.value.message_dict) == {"title", "due_on"}
    assert not case.tasks.exists()
    supervisor = member(case.organisation, Role.SUPERVISOR)
    task = services.task_add(
        actor=caseworker.user, case=case, title="Check", assigned_to=supervisor.user, expected_version=None
    )
    assert task.assigned_to == supervisor.user
    assert set(selectors.task_assignees(case=case)) == {caseworker.user, supervisor.user}


def test_a_task_done_twice_is_refused(case: Case, caseworker: Membership) -> None:
    task = services.task_add(actor=caseworker.user, case=case, title="Call", expected_version=None)
    services.task_done(actor=caseworker.user, task=task, expected_version=None)
    with pytest.raises(ValidationError):
        services.task_done(actor=caseworker.user, task=task, expected_version=None)


# --- Notes --------------------------------------------------------------------------


def test_confidential_notes_are_read_by_their_author_and_supervisors_only(
    case: Case, caseworker: Membership, supervisor: Membership
) -> None:
    colleague = member(case.organisation)
    services.note_add(actor=caseworker.user, case=case, body="Open note", expected_version=None)
    services.note_add(actor=caseworker.user, case=case, body="Only for us", confidential=True, expected_version=None)

    def bodies(membership: Membership) -> list[str]:
        return [note.body for note in selectors.note_list(user=membership.user, case=case)]

    assert bodies(caseworker) == ["Open note", "Only for us"]
    assert bodies(supervisor) == ["Open note", "Only for us"]
    assert bodies(colleague) == ["Open note"]
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["note.added", "note.added_confidential"]


def test_the_note_filter_is_in_the_query(case: Case, caseworker: Membership) -> None:
    colleague = member(case.organisation)
    services.note_add(actor=caseworker.user, case=case, body="Only for us", confidential=True, expected_version=None)
    with CaptureQueriesContext(connection) as captured:
        assert list(selectors.note_list(user=colleague.user, case=case)) == []
    assert len(captured) == 1


def test_an_empty_note_is_refused(case: Case, caseworker: Membership) -> None:
    with pytest.raises(ValidationError) as refused:
        services.note_add(actor=caseworker.user, case=case, body="   ", expected_version=None)
    assert list(refused.value.message_dict) == ["body"]


# --- Risk flags ----------------------------------------------------------------------


def test_the_risk_level_is_the_highest_flag_in_force(case: Case, caseworker: Membership) -> None:
    user = caseworker.user
    low = services.risk_raise(
        actor=user, case=case, kind="intimidation", level="low", reason="Looks", expected_version=None
    )
    assert _fresh(case).risk_level == RiskLevel.LOW
    high = services.risk_raise(
        actor=user, case=case, kind="retaliation", level="high", reason="Threats by phone", expected_version=None
    )
    services.risk_raise(
        actor=user, case=case, kind="other", level="medium", reason="Seen nearby", expected_version=None
    )
    assert _fresh(case).risk_level == RiskLevel.HIGH
    services.risk_clear(actor=user, flag=high, reason="Moved to another town", expected_version=None)
    assert _fresh(case).risk_level == RiskLevel.MEDIUM
    services.risk_clear(actor=user, flag=low, reason="No more contact", expected_version=None)
    assert _fresh(case).risk_level == RiskLevel.MEDIUM
    assert case.risk_flags.count() == 3  # cleared, never deleted: the history stays
    cleared = case.risk_flags.get(pk=high.pk)
    assert cleared.clear_reason == "Moved to another town" and cleared.cleared_by == user
    events = list(CaseEvent.objects.filter(case=case, kind__startswith="risk.").values_list("kind", "params"))
    assert events[0] == ("risk.raised", {"level": "low", "risk": "intimidation"})
    assert events[3] == ("risk.cleared", {"risk": "retaliation"})


def test_a_risk_needs_a_reason_and_a_level_and_is_cleared_once(case: Case, caseworker: Membership) -> None:
    with pytest.raises(ValidationError) as refused:
        services.risk_raise(actor=caseworker.user, case=case, kind="x", level="none", reason="", expected_version=None)
    assert set(refused.value.message_dict) == {"kind", "level", "reason"}
    flag = services.risk_raise(
        actor=caseworker.user, case=case, kind="child", level="high", reason="Age 12", expected_version=None
    )
    with pytest.raises(ValidationError):
        services.risk_clear(actor=caseworker.user, flag=flag, reason="", expected_version=None)
    services.risk_clear(actor=caseworker.user, flag=flag, reason="Safe now", expected_version=None)
    with pytest.raises(ValidationError):
        services.risk_clear(actor=caseworker.user, flag=flag, reason="Again", expected_version=None)


def test_a_stale_risk_form_is_refused_and_writes_nothing(case: Case, caseworker: Membership) -> None:
    read_at = case.version
    services.note_add(actor=caseworker.user, case=case, body="Meanwhile", expected_version=None)
    with pytest.raises(StaleEdit):
        services.risk_raise(
            actor=caseworker.user, case=case, kind="other", level="high", reason="Why", expected_version=read_at
        )
    assert not case.risk_flags.exists()
    assert _fresh(case).risk_level == RiskLevel.NONE


# --- Reply templates -------------------------------------------------------------------


def test_reply_templates_are_managed_by_supervisors_and_administrators(
    organisation: Organisation, caseworker: Membership, supervisor: Membership, org_admin: Membership
) -> None:
    template = services.reply_template_save(
        actor=supervisor.user, organisation=organisation, language="pt", title="Primeiro contacto", body="Olá."
    )
    services.reply_template_save(
        actor=org_admin.user,
        organisation=organisation,
        template=template,
        language="pt",
        title="Primeiro contacto",
        body="Olá, obrigado.",
    )
    assert ReplyTemplate.objects.get().body == "Olá, obrigado."
    with pytest.raises(PermissionDenied):
        services.reply_template_save(
            actor=caseworker.user, organisation=organisation, language="en", title="T", body="B"
        )
    with pytest.raises(ValidationError) as duplicate:
        services.reply_template_save(
            actor=supervisor.user, organisation=organisation, language="pt", title="Primeiro contacto", body="x"
        )
    assert list(duplicate.value.message_dict) == ["title"]
    with pytest.raises(ValidationError) as wrong:
        services.reply_template_save(actor=supervisor.user, organisation=organisation, language="xx", title="", body="")
    assert set(wrong.value.message_dict) == {"language", "title", "body"}
    case = make_case(organisation, language="pt")
    services.reply_template_save(
        actor=supervisor.user, organisation=organisation, language="en", title="A first", body="Hi"
    )
    assert [t.language for t in selectors.reply_templates_for_case(case=case)] == ["pt", "en"]
    services.reply_template_delete(actor=supervisor.user, template=template)
    assert ReplyTemplate.objects.count() == 1
