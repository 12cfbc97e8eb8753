"""The access matrix (issue 10, "Tests that must exist"): every page of the cases app and
every cases, referrals and conferences API operation, GET and POST, asked by every role
of the case's organisation, of the organisation its referrals go to, of an unrelated
organisation, and by a platform administrator. Exactly the listed people get through;
everyone else gets 404 (never 403 for another organisation's record, never a page with
the case in it), and a refused POST writes nothing.

The rows are checked against ``victory.cases.urls.urlpatterns`` and the OpenAPI document:
a new address without a row here fails ``test_every_address_has_a_row``.

One world per module (``tests/cases/world.py``), built inside a transaction rolled back
at the end; each request runs in a savepoint rolled back after it, so an allowed POST
never changes what the next person sees."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.urls import URLPattern, reverse
from django.utils import timezone, translation

from tests.cases.world import INTAKE_ASSESSMENT, OWN_WORDS, PARTNER_ROLES, ROLES, World, world_build
from tests.openapi_check import OpenAPIClient
from victory.cases import urls as case_urls
from victory.cases.models import (
    Case,
    CaseConference,
    CaseNote,
    CasePerson,
    CaseTask,
    ConferenceAction,
    ConsentRecord,
    NeedsAssessment,
    Referral,
    ReplyTemplate,
    RiskFlag,
)
from victory.core.models import AuditEvent

# --- Who --------------------------------------------------------------------------------

OWN = {f"own.{name}" for name in ROLES}
OTHER = {f"other.{name}" for name in ROLES}
PARTNER = {f"partner.{name}" for name in PARTNER_ROLES}
STAFF = sorted(OWN | OTHER | PARTNER | {"platform_admin"})
REPORTERS = ["reporter", "other_reporter"]

WORKS = {"own.caseworker", "own.supervisor"}  # the case's assignee and supervisor
SUPERVISES = {"own.supervisor"}
RECEIVES = {"partner.justice_liaison", "partner.caseworker", "partner.supervisor"}
# Everyone who works cases somewhere: lists answer them with their own organisation's rows.
CASE_PEOPLE = {
    "own.caseworker",
    "own.caseworker_other",
    "own.supervisor",
    "other.caseworker",
    "other.caseworker_other",
    "other.supervisor",
    "partner.caseworker",
    "partner.supervisor",
}

CONFERENCE_READERS = WORKS | RECEIVES  # the case's side and the invited organisation
TEMPLATE_MANAGERS = {"own.supervisor", "own.org_admin"}
TEMPLATE_MANAGERS_ANYWHERE = {
    "own.supervisor",
    "own.org_admin",
    "other.supervisor",
    "other.org_admin",
    "partner.supervisor",
}

# Words of the case that no referral shares (a note, a risk's reason, a task; the
# assessment repeats the note's): a page showing one to someone outside WORKS leaks the case file.
NEVER_SHARED = tuple(OWN_WORDS.values())


# --- What -------------------------------------------------------------------------------

Builder = Callable[[World], Any]


@dataclass(frozen=True)
class Row:
    """One address and method: how to build its path and body, and who gets through."""

    path: Builder
    allowed: frozenset[str]
    body: Builder = field(default=lambda w: {})
    # On a POST that goes through, the status it answers (None: anything not refused).
    who: tuple[str, ...] = tuple(STAFF)
    # A GET of a form-only address: a redirect to the page that holds the form, the same
    # for everyone (it looks nothing up, so it tells nothing).
    bounce: bool = False
    # A list: everyone logged in gets it, and this text of the record is on it for exactly
    # ``allowed``.
    shows: Builder | None = None
    # Who may get a 403 instead of a 404: people who may see the record exists.
    readers: frozenset[str] = frozenset(WORKS)
    # Who may write (default: ``allowed``); anyone else allowed in gets an error, no write.
    writers: frozenset[str] | None = None
    # What the action needs first (a close request to decide, minutes to tell), made in
    # the savepoint of each request and rolled back with it.
    prepare: Callable[[World], object] | None = None
    # A GET that shows case content writes an audit event; a blank form does not need to.
    audited: bool = True


def page(name: str, *args: Builder) -> Builder:
    def build(w: World) -> str:
        with translation.override("en"):
            return reverse(f"cases:{name}", args=[arg(w) for arg in args])

    return build


def ref(w: World) -> str:
    return w.case.reference


def _row(
    path: Builder,
    allowed: set[str],
    body: Builder | None = None,
    *,
    who: list[str] | None = None,
    readers: set[str] = WORKS,
    writers: set[str] | None = None,
    prepare: Callable[[World], object] | None = None,
    audited: bool = True,
) -> Row:
    return Row(
        path=path,
        allowed=frozenset(allowed),
        body=body or (lambda w: {}),
        who=tuple(who or STAFF),
        readers=frozenset(readers),
        writers=frozenset(writers) if writers is not None else None,
        prepare=prepare,
        audited=audited,
    )


def _list(path: Builder, shows: Builder, listed_for: set[str]) -> Row:
    return Row(path=path, allowed=frozenset(listed_for), shows=shows)


def _bounce(path: Builder, who: list[str] | None = None) -> Row:
    return Row(path=path, allowed=frozenset(), bounce=True, who=tuple(who or STAFF))


def v(w: World) -> int:
    return Case.objects.get(pk=w.case.pk).version


def soon() -> str:
    return (timezone.localdate() + timedelta(days=7)).isoformat()


def later() -> str:
    return (timezone.now() + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")


def _legal_hold(w: World) -> None:
    case = Case.objects.get(pk=w.case.pk)
    case.legal_hold = "Court order of 3 May (fictional)."
    case.save()


def _minutes_recorded(w: World) -> None:
    conference = CaseConference.objects.get(pk=w.conference.pk)
    conference.minutes, conference.status = "Agreed a plan.", "held"
    conference.save()


def _shared_for_vital_interest(w: World) -> None:
    referral = Referral.objects.get(pk=w.referral_sent.pk)
    referral.vital_interest, referral.review_needed = True, True
    referral.vital_interest_reason = "He said he would come tonight with a knife."
    referral.save()


# The pages, by url name and method.
PAGES: dict[tuple[str, str], Row] = {
    ("inbox", "GET"): _list(page("inbox"), ref, {"own.caseworker"}),  # my work: my cases, the intake
    ("list", "GET"): _list(page("list"), ref, WORKS),
    ("open_direct", "GET"): _row(page("open_direct"), CASE_PEOPLE, audited=False),  # a blank form
    ("open_direct", "POST"): _row(
        page("open_direct"),
        CASE_PEOPLE,
        lambda w: {
            "organisation": w.own.pk,
            "channel": "phone",
            "language": "en",
            "summary": "She called us.",
            "country": "PT",
        },
        # Case people elsewhere get the form back: this organisation is not theirs.
        writers={"own.caseworker", "own.caseworker_other", "own.supervisor"},
    ),
    ("from_report", "GET"): _row(
        page("from_report", lambda w: w.report_unopened.reference),
        {"own.caseworker", "own.caseworker_other", "own.supervisor"},
    ),
    ("from_report", "POST"): _row(
        page("from_report", lambda w: w.report_unopened.reference),
        {"own.caseworker", "own.caseworker_other", "own.supervisor"},
    ),
    ("detail", "GET"): _row(page("detail", ref), WORKS),
    ("evidence", "GET"): _row(page("evidence", ref, lambda w: w.evidence.pk), WORKS),
    ("status", "GET"): _bounce(page("status", ref)),
    ("status", "POST"): _row(page("status", ref), WORKS, lambda w: {"status": "triage", "version": v(w)}),
    ("close", "GET"): _bounce(page("close", ref)),
    ("close", "POST"): _row(page("close", ref), WORKS, lambda w: {"reason": "support_completed", "version": v(w)}),
    ("close_decision", "GET"): _bounce(page("close_decision", ref)),
    ("close_decision", "POST"): _row(
        page("close_decision", ref),
        SUPERVISES,
        lambda w: {"decision": "approve", "version": v(w)},
        prepare=lambda w: Case.objects.filter(pk=w.case.pk).update(
            close_requested_by=w.principals["own.caseworker"].user,
            close_requested_at=timezone.now(),
            close_requested_reason="support_completed",
        ),
    ),
    ("assign", "GET"): _bounce(page("assign", ref)),
    ("assign", "POST"): _row(page("assign", ref), WORKS, lambda w: {"assignee": "", "version": v(w)}),
    ("edit", "GET"): _bounce(page("edit", ref)),
    ("edit", "POST"): _row(
        page("edit", ref),
        WORKS,
        lambda w: {"summary": "Pushed at the bus stop.", "country": "PT", "version": v(w)},
    ),
    ("reply", "GET"): _bounce(page("reply", ref)),
    ("reply", "POST"): _row(page("reply", ref), WORKS, lambda w: {"body": "We read your message.", "version": v(w)}),
    ("access_log", "GET"): _row(page("access_log", ref), SUPERVISES),
    ("person_add", "GET"): _row(page("person_add", ref), WORKS),
    ("person_add", "POST"): _row(
        page("person_add", ref),
        WORKS,
        lambda w: {"person-role": "witness", "person-full_name": "New Witness", "person-version": v(w)},
    ),
    ("person_edit", "GET"): _row(page("person_edit", ref, lambda w: w.harmed.pk), WORKS),
    ("person_edit", "POST"): _row(
        page("person_edit", ref, lambda w: w.harmed.pk),
        WORKS,
        lambda w: {"person-role": "person_harmed", "person-full_name": "Amina Renamed", "person-version": v(w)},
    ),
    ("task_add", "GET"): _row(page("task_add", ref), WORKS),
    ("task_add", "POST"): _row(
        page("task_add", ref), WORKS, lambda w: {"task-title": "Write to her.", "task-version": v(w)}
    ),
    ("task_done", "GET"): _row(page("task_done", ref, lambda w: w.task.pk), WORKS),
    ("task_done", "POST"): _row(
        page("task_done", ref, lambda w: w.task.pk), WORKS, lambda w: {f"task{w.task.pk}-version": v(w)}
    ),
    ("task_reopen", "GET"): _row(page("task_reopen", ref, lambda w: w.task.pk), WORKS),
    ("task_reopen", "POST"): _row(
        page("task_reopen", ref, lambda w: w.task.pk),
        WORKS,
        lambda w: {f"task{w.task.pk}-version": v(w)},
        prepare=lambda w: CaseTask.objects.filter(pk=w.task.pk).update(done_at=timezone.now()),
    ),
    ("note_add", "GET"): _row(page("note_add", ref), WORKS),
    ("note_add", "POST"): _row(
        page("note_add", ref), WORKS, lambda w: {"note-body": "Another note.", "note-version": v(w)}
    ),
    ("risk_raise", "GET"): _row(page("risk_raise", ref), WORKS),
    ("risk_raise", "POST"): _row(
        page("risk_raise", ref),
        WORKS,
        lambda w: {
            "risk-kind": "retaliation",
            "risk-level": "medium",
            "risk-reason": "He wrote again.",
            "risk-version": v(w),
        },
    ),
    ("risk_clear", "GET"): _row(page("risk_clear", ref, lambda w: w.risk.pk), WORKS),
    ("risk_clear", "POST"): _row(
        page("risk_clear", ref, lambda w: w.risk.pk),
        WORKS,
        lambda w: {f"clear{w.risk.pk}-reason": "He moved away.", f"clear{w.risk.pk}-version": v(w)},
    ),
    ("tasks_due", "GET"): _list(page("tasks_due"), ref, {"own.caseworker"}),  # the task is hers
    ("reply_templates", "GET"): _row(page("reply_templates"), TEMPLATE_MANAGERS_ANYWHERE, audited=False),
    ("reply_templates", "POST"): _row(
        page("reply_templates"),
        TEMPLATE_MANAGERS_ANYWHERE,
        lambda w: {"organisation": w.own.pk, "language": "en", "title": "Thanks", "body": "Thank you."},
        # Managers elsewhere may post, but the form refuses this organisation's id.
        writers=TEMPLATE_MANAGERS,
    ),
    ("reply_template_edit", "GET"): _row(
        page("reply_template_edit", lambda w: w.template.pk), TEMPLATE_MANAGERS, audited=False
    ),
    ("reply_template_edit", "POST"): _row(
        page("reply_template_edit", lambda w: w.template.pk),
        TEMPLATE_MANAGERS,
        lambda w: {"language": "en", "title": "Received", "body": "We read it, thank you."},
    ),
    ("assessment_list", "GET"): _row(page("assessment_list", ref), WORKS),
    ("assessment_new", "GET"): _row(page("assessment_new", ref, lambda w: "screening"), WORKS),
    ("assessment_new", "POST"): _row(
        page("assessment_new", ref, lambda w: "detailed"), WORKS, lambda w: {"case_version": v(w)}
    ),
    ("assessment_detail", "GET"): _row(page("assessment_detail", ref, lambda w: 1), WORKS),
    ("consent_add", "GET"): _row(page("consent_add", ref), WORKS),
    ("consent_add", "POST"): _row(
        page("consent_add", ref),
        WORKS,
        lambda w: {
            "mode": "given",
            "purpose": "share_organisation",
            "data_categories": ["incident"],
            "recipient": w.other.pk,
            "given_by": "person",
            "method": "phone",
        },
    ),
    ("consent_withdraw", "GET"): _row(page("consent_withdraw", ref, lambda w: w.consent_given.pk), WORKS),
    ("consent_withdraw", "POST"): _row(
        page("consent_withdraw", ref, lambda w: w.consent_given.pk), WORKS, lambda w: {"reason": "She asked by phone."}
    ),
    ("consent_replace", "GET"): _row(page("consent_replace", ref, lambda w: w.consent_given.pk), WORKS),
    ("consent_replace", "POST"): _row(
        page("consent_replace", ref, lambda w: w.consent_given.pk),
        WORKS,
        lambda w: {"data_categories": ["incident"], "given_by": "person", "method": "phone"},
    ),
    ("consent_answer", "GET"): _row(page("consent_answer", ref, lambda w: w.consent_requested.pk), WORKS),
    ("consent_answer", "POST"): _row(
        page("consent_answer", ref, lambda w: w.consent_requested.pk),
        WORKS,
        lambda w: {"answer": "given", "given_by": "person", "method": "phone"},
    ),
    ("referral_new", "GET"): _row(page("referral_new", ref), WORKS),
    ("referral_new", "POST"): _row(
        page("referral_new", ref),
        WORKS,
        lambda w: {"recipient": w.partner.pk, "purpose": "support", "sections": ["incident", "contact"]},
    ),
    ("referral_vital_interest", "GET"): _row(page("referral_vital_interest", ref), SUPERVISES),
    ("referral_vital_interest", "POST"): _row(
        page("referral_vital_interest", ref),
        SUPERVISES,
        lambda w: {
            "recipient": w.other.pk,
            "purpose": "support",
            "sections": ["contact"],
            "reason": "He said he would come tonight with a knife.",
        },
    ),
    ("referral_revoke", "GET"): _row(page("referral_revoke", ref, lambda w: w.referral_sent.reference), WORKS),
    ("referral_revoke", "POST"): _row(
        page("referral_revoke", ref, lambda w: w.referral_sent.reference),
        WORKS,
        lambda w: {"reason": "She asked us to stop.", "version": Referral.objects.get(pk=w.referral_sent.pk).version},
    ),
    ("referral_review", "POST"): _row(
        page("referral_review", ref, lambda w: w.referral_sent.reference),
        SUPERVISES,
        prepare=_shared_for_vital_interest,
    ),
    ("referrals_received", "GET"): _list(page("referrals_received"), lambda w: w.referral_sent.reference, RECEIVES),
    ("referral_detail", "GET"): _row(page("referral_detail", lambda w: w.referral_sent.reference), RECEIVES),
    ("referral_accept", "GET"): _bounce(page("referral_accept", lambda w: w.referral_sent.reference)),
    ("referral_accept", "POST"): _row(
        page("referral_accept", lambda w: w.referral_sent.reference),
        RECEIVES,
        lambda w: {"version": Referral.objects.get(pk=w.referral_sent.pk).version},
    ),
    ("referral_decline", "GET"): _bounce(page("referral_decline", lambda w: w.referral_sent.reference)),
    ("referral_decline", "POST"): _row(
        page("referral_decline", lambda w: w.referral_sent.reference),
        RECEIVES,
        lambda w: {"reason": "We have no room.", "version": Referral.objects.get(pk=w.referral_sent.pk).version},
    ),
    ("referral_complete", "GET"): _bounce(page("referral_complete", lambda w: w.referral_accepted.reference)),
    ("referral_complete", "POST"): _row(
        page("referral_complete", lambda w: w.referral_accepted.reference),
        RECEIVES,
        lambda w: {"note": "Support given.", "version": Referral.objects.get(pk=w.referral_accepted.pk).version},
    ),
    ("inbox_sharing", "GET"): _row(
        page("inbox_sharing"), {"reporter", "other_reporter"}, who=REPORTERS, audited=False
    ),  # the person reading their own
    ("inbox_consent_answer", "GET"): _bounce(
        page("inbox_consent_answer", lambda w: w.consent_requested.pk), who=REPORTERS
    ),
    ("inbox_consent_answer", "POST"): _row(
        page("inbox_consent_answer", lambda w: w.consent_requested.pk),
        {"reporter"},
        lambda w: {"answer": "given"},
        who=REPORTERS,
    ),
    ("inbox_consent_withdraw", "GET"): _bounce(
        page("inbox_consent_withdraw", lambda w: w.consent_given.pk), who=REPORTERS
    ),
    ("inbox_consent_withdraw", "POST"): _row(
        page("inbox_consent_withdraw", lambda w: w.consent_given.pk), {"reporter"}, who=REPORTERS
    ),
    ("conference_new", "GET"): _row(
        page("conference_new", ref), SUPERVISES, audited=False
    ),  # a form: the organisations to invite, no case content
    ("conference_new", "POST"): _row(
        page("conference_new", ref),
        SUPERVISES,
        lambda w: {
            "victim_wishes": "To feel safe.",
            "scheduled_for": later(),
            "organisations": [w.partner.pk],
            "version": v(w),
        },
    ),
    ("conference_list", "GET"): _list(
        page("conference_list"), lambda w: f"/staff/conferences/{w.conference.pk}/", RECEIVES
    ),  # the conferences one's organisation is invited to (the case's side has the case page)
    ("conference_detail", "GET"): _row(page("conference_detail", lambda w: w.conference.pk), WORKS | RECEIVES),
    ("conference_minutes", "GET"): _bounce(page("conference_minutes", lambda w: w.conference.pk)),
    ("conference_minutes", "POST"): _row(
        page("conference_minutes", lambda w: w.conference.pk),
        SUPERVISES,
        lambda w: {
            "minutes": "Agreed a plan.",
            "version": CaseConference.objects.get(pk=w.conference.pk).version,
        },
        readers=CONFERENCE_READERS,
    ),
    ("conference_tell", "GET"): _bounce(page("conference_tell", lambda w: w.conference.pk)),
    ("conference_tell", "POST"): _row(
        page("conference_tell", lambda w: w.conference.pk),
        SUPERVISES,
        lambda w: {
            "summary": "We agreed to fit a lock.",
            "version": CaseConference.objects.get(pk=w.conference.pk).version,
        },
        readers=CONFERENCE_READERS,
        prepare=_minutes_recorded,
    ),
    ("conference_cancel", "GET"): _bounce(page("conference_cancel", lambda w: w.conference.pk)),
    ("conference_cancel", "POST"): _row(
        page("conference_cancel", lambda w: w.conference.pk),
        SUPERVISES,
        lambda w: {"version": CaseConference.objects.get(pk=w.conference.pk).version},
        readers=CONFERENCE_READERS,
    ),
    ("conference_action_done", "GET"): _bounce(
        page("conference_action_done", lambda w: w.conference.pk, lambda w: w.action.pk)
    ),
    ("conference_action_done", "POST"): _row(
        page("conference_action_done", lambda w: w.conference.pk, lambda w: w.action.pk),
        RECEIVES,
        readers=CONFERENCE_READERS,
    ),
    ("person_export_json", "GET"): _row(page("person_export_json", ref, lambda w: w.harmed.pk), SUPERVISES),
    ("person_export_pdf", "GET"): _row(page("person_export_pdf", ref, lambda w: w.harmed.pk), SUPERVISES),
    ("person_erase", "GET"): _row(
        page("person_erase", ref, lambda w: w.harmed.pk), SUPERVISES, audited=False
    ),  # names the person's role only
    ("person_erase", "POST"): _row(
        page("person_erase", ref, lambda w: w.harmed.pk), SUPERVISES, lambda w: {"reason": "She asked by phone."}
    ),
    ("legal_hold", "GET"): _row(page("legal_hold", ref), SUPERVISES, prepare=_legal_hold),  # shows the hold's reason
    ("legal_hold", "POST"): _row(
        page("legal_hold", ref), SUPERVISES, lambda w: {"reason": "Court order of 3 May.", "version": v(w)}
    ),
}


def api(template: str, **params: Builder) -> Builder:
    def build(w: World) -> str:
        return template.format(**{name: param(w) for name, param in params.items()})

    return build


CASE = {"id": ref, "reference": ref}
SENT = {"id": lambda w: w.referral_sent.reference}
ACCEPTED = {"id": lambda w: w.referral_accepted.reference}

# The API, by method and OpenAPI path.
ENDPOINTS: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/cases"): _list(api("/api/v1/cases"), ref, WORKS),
    ("POST", "/api/v1/cases"): _row(
        api("/api/v1/cases"), CASE_PEOPLE, lambda w: {"channel": "phone", "language": "en", "summary": "She called."}
    ),
    ("GET", "/api/v1/cases/{id}"): _row(api("/api/v1/cases/{id}", **CASE), WORKS),
    ("GET", "/api/v1/cases/{id}/conferences"): _row(api("/api/v1/cases/{id}/conferences", **CASE), WORKS),
    ("POST", "/api/v1/cases/{id}/conferences"): _row(
        api("/api/v1/cases/{id}/conferences", **CASE),
        SUPERVISES,
        lambda w: {
            "victim_wishes": "To feel safe.",
            "scheduled_for": (timezone.now() + timedelta(days=4)).isoformat(),
            "organisation_ids": [w.partner.pk],
        },
    ),
    ("GET", "/api/v1/cases/{id}/consents"): _row(api("/api/v1/cases/{id}/consents", **CASE), WORKS),
    ("POST", "/api/v1/cases/{id}/consents"): _row(
        api("/api/v1/cases/{id}/consents", **CASE),
        WORKS,
        lambda w: {
            "status": "given",
            "purpose": "share_organisation",
            "data_categories": ["incident"],
            "recipient_id": w.other.pk,
            "given_by": "person",
            "method": "phone",
        },
    ),
    ("GET", "/api/v1/cases/{id}/referrals"): _row(api("/api/v1/cases/{id}/referrals", **CASE), WORKS),
    ("POST", "/api/v1/cases/{id}/referrals"): _row(
        api("/api/v1/cases/{id}/referrals", **CASE),
        WORKS,
        lambda w: {"recipient_id": w.partner.pk, "purpose": "support", "sections": ["incident"]},
    ),
    ("GET", "/api/v1/cases/{id}/assessments"): _row(api("/api/v1/cases/{id}/assessments", **CASE), WORKS),
    ("POST", "/api/v1/cases/{id}/assessments"): _row(
        api("/api/v1/cases/{id}/assessments", **CASE),
        WORKS,
        lambda w: {"stage": "detailed", "case_version": v(w)},
    ),
    ("GET", "/api/v1/cases/{id}/assessments/{version}"): _row(
        api("/api/v1/cases/{id}/assessments/1", **CASE), WORKS
    ),
    ("GET", "/api/v1/cases/{id}/notes"): _row(api("/api/v1/cases/{id}/notes", **CASE), WORKS),
    ("POST", "/api/v1/cases/{id}/notes"): _row(
        api("/api/v1/cases/{id}/notes", **CASE), WORKS, lambda w: {"body": "A note."}
    ),
    ("GET", "/api/v1/cases/{id}/people"): _row(api("/api/v1/cases/{id}/people", **CASE), WORKS),
    ("POST", "/api/v1/cases/{id}/people"): _row(
        api("/api/v1/cases/{id}/people", **CASE),
        WORKS,
        lambda w: {"role": "witness", "full_name": "New Witness"},
    ),
    ("GET", "/api/v1/cases/{id}/risks"): _row(api("/api/v1/cases/{id}/risks", **CASE), WORKS),
    ("POST", "/api/v1/cases/{id}/risks"): _row(
        api("/api/v1/cases/{id}/risks", **CASE),
        WORKS,
        lambda w: {"kind": "retaliation", "level": "medium", "reason": "He wrote again."},
    ),
    ("GET", "/api/v1/cases/{id}/tasks"): _row(api("/api/v1/cases/{id}/tasks", **CASE), WORKS),
    ("POST", "/api/v1/cases/{id}/tasks"): _row(
        api("/api/v1/cases/{id}/tasks", **CASE), WORKS, lambda w: {"title": "Write to her."}
    ),
    ("POST", "/api/v1/cases/{id}/tasks/{task_id}/done"): _row(
        api("/api/v1/cases/{id}/tasks/{task_id}/done", task_id=lambda w: w.task.pk, **CASE), WORKS
    ),
    ("GET", "/api/v1/conferences/{conference_id}"): _row(
        api("/api/v1/conferences/{conference_id}", conference_id=lambda w: w.conference.pk), WORKS | RECEIVES
    ),
    ("POST", "/api/v1/conferences/{conference_id}/actions/{action_id}/done"): _row(
        api(
            "/api/v1/conferences/{conference_id}/actions/{action_id}/done",
            conference_id=lambda w: w.conference.pk,
            action_id=lambda w: w.action.pk,
        ),
        RECEIVES,
        readers=CONFERENCE_READERS,
    ),
    ("GET", "/api/v1/referrals"): _list(api("/api/v1/referrals"), lambda w: w.referral_sent.reference, RECEIVES),
    ("GET", "/api/v1/referrals/{id}"): _row(api("/api/v1/referrals/{id}", **SENT), RECEIVES),
    ("POST", "/api/v1/referrals/{id}/accept"): _row(
        api("/api/v1/referrals/{id}/accept", **SENT),
        RECEIVES,
        lambda w: {"version": Referral.objects.get(pk=w.referral_sent.pk).version},
    ),
    ("POST", "/api/v1/referrals/{id}/decline"): _row(
        api("/api/v1/referrals/{id}/decline", **SENT),
        RECEIVES,
        lambda w: {"reason": "We have no room.", "version": Referral.objects.get(pk=w.referral_sent.pk).version},
    ),
    ("POST", "/api/v1/referrals/{id}/complete"): _row(
        api("/api/v1/referrals/{id}/complete", **ACCEPTED),
        RECEIVES,
        lambda w: {"note": "Support given.", "version": Referral.objects.get(pk=w.referral_accepted.pk).version},
    ),
    ("POST", "/api/v1/referrals/{id}/revoke"): _row(
        api("/api/v1/referrals/{id}/revoke", **SENT), WORKS, lambda w: {"reason": "She asked us to stop."}
    ),
}

API_PREFIXES = ("/api/v1/cases", "/api/v1/referrals", "/api/v1/conferences")


# --- The world, once per module -----------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        built = world_build(OpenAPIClient)
        yield built
        transaction.set_rollback(True)


def fingerprint() -> dict[str, Any]:
    """What a write would change: the rows of every cases table and the fields actions move."""
    return {
        "cases": list(
            Case.objects.order_by("pk").values_list("pk", "version", "status", "assigned_to_id", "legal_hold")
        ),
        "people": list(CasePerson.objects.order_by("pk").values_list("pk", "full_name", "erased_at")),
        "tasks": list(CaseTask.objects.order_by("pk").values_list("pk", "done_at")),
        "notes": CaseNote.objects.count(),
        "risks": list(RiskFlag.objects.order_by("pk").values_list("pk", "cleared_at")),
        "templates": list(ReplyTemplate.objects.order_by("pk").values_list("pk", "title", "body")),
        "assessments": NeedsAssessment.objects.count(),
        "consents": list(ConsentRecord.objects.order_by("pk").values_list("pk", "status")),
        "referrals": list(Referral.objects.order_by("pk").values_list("pk", "status", "review_needed")),
        "conferences": list(CaseConference.objects.order_by("pk").values_list("pk", "status", "version")),
        "actions": list(ConferenceAction.objects.order_by("pk").values_list("pk", "done_at")),
        "messages": _messages(),
    }


def _messages() -> int:
    from victory.reports.models import ReportMessage

    return ReportMessage.objects.count()


def _client(w: World, name: str) -> Any:
    if name == "reporter":
        return w.reporter
    if name == "other_reporter":
        return w.other_reporter
    return w.principals[name].client


def _send(w: World, name: str, method: str, path: str, body: dict[str, Any]) -> Any:
    client = _client(w, name)
    extra: dict[str, Any] = {}
    if path.startswith("/api/"):
        extra["HTTP_AUTHORIZATION"] = f"Bearer {w.principals[name].token}"
    if method == "GET":
        return client.get(path, **extra)
    if path.startswith("/api/"):
        return client.post(path, json.dumps(body), content_type="application/json", **extra)
    return client.post(path, body, **extra)


def _answer(response: Any) -> tuple[int, str]:
    if response.status_code in (301, 302, 303):
        return response.status_code, f"-> {response['Location']}"
    if getattr(response, "streaming", False) or response.get("Content-Type", "").startswith("application/pdf"):
        return response.status_code, ""
    return response.status_code, response.content.decode(errors="replace")


def _ask_all(w: World, method: str, row: Row) -> tuple[dict[str, tuple[int, str]], set[str], set[str]]:
    """Every person's answer, each in a savepoint rolled back after it; and who wrote
    something they may not. The people who may not write are asked together between two
    fingerprints (a write by any of them shows), then one by one only if one did."""
    path = row.path(w)
    answers: dict[str, tuple[int, str]] = {}
    writers = row.writers if row.writers is not None else row.allowed
    barred = [name for name in row.who if name not in writers] if method == "POST" else []
    done: set[str] = set()  # writers whose POST went through and wrote; readers audited
    for name in row.who:
        if name in barred:
            continue
        with transaction.atomic():
            if row.prepare is not None:
                row.prepare(w)
            before = fingerprint() if method == "POST" else None
            audited = AuditEvent.objects.count()
            answers[name] = _answer(_send(w, name, method, path, row.body(w)))
            if before is not None and fingerprint() != before:
                done.add(name)
            if method == "GET" and AuditEvent.objects.count() > audited:
                done.add(name)
            transaction.set_rollback(True)
    wrote: set[str] = set()
    if barred:
        with transaction.atomic():
            if row.prepare is not None:
                row.prepare(w)
            before = fingerprint()
            for name in barred:
                answers[name] = _answer(_send(w, name, method, path, row.body(w)))
            changed = fingerprint() != before
            transaction.set_rollback(True)
        if changed:
            for name in barred:
                with transaction.atomic():
                    if row.prepare is not None:
                        row.prepare(w)
                    before = fingerprint()
                    _send(w, name, method, path, row.body(w))
                    if fingerprint() != before:
                        wrote.add(name)
                    transaction.set_rollback(True)
    return answers, wrote, done


def _why(text: str) -> str:
    """The error summary of a page that came back with its form, or the start of the answer."""
    if 'class="error-summary"' in text:
        summary = text.split('class="error-summary"', 1)[1].split("</ul>", 1)[0]
        return " / ".join(re.sub(r"<[^>]+>", "", item).strip() for item in summary.split("<li>")[1:])
    return repr(text[:120])


def _refused(row: Row, name: str, status: int) -> bool:
    """404; a 403 only for someone who may see the record anyway (who works the case
    asking for a supervisor's action, an invited organisation on a conference)."""
    return status == 404 or (status == 403 and name in row.readers)


def _judge(row: Row, name: str, status: int, text: str) -> list[str]:
    if row.bounce:
        return [] if status == 302 else [f"{name}: {status}, expected the redirect to the page holding the form"]
    if row.shows is not None:
        return []  # judged by _judge_list
    if name in row.allowed:
        if status in (401, 403, 404, 405) or (status == 302 and "/login" in text):
            return [f"{name}: {status} {text[:80]!r}, expected to get through"]
        return []
    problems = [] if _refused(row, name, status) else [f"{name}: {status} {text[:80]!r}, expected 404"]
    if status == 200:
        leaked = [words for words in NEVER_SHARED if words in text]
        if leaked:
            problems.append(f"{name}: the page shows {leaked}")
    return problems


def _judge_list(w: World, row: Row, name: str, status: int, text: str) -> list[str]:
    """A list answers everyone who is logged in; the record is in it for exactly ``allowed``."""
    assert row.shows is not None
    if status != 200:
        return [f"{name}: {status} {text[:80]!r}, expected the list (200)"]
    listed = row.shows(w) in text
    if listed != (name in row.allowed):
        return [f"{name}: the record is {'listed' if listed else 'missing'}"]
    leaked = [words for words in NEVER_SHARED if words in text and name not in WORKS]
    return [f"{name}: the list shows {leaked}"] if leaked else []


def _matrix(w: World, method: str, row: Row) -> list[str]:
    problems: list[str] = []
    answers, wrote, done = _ask_all(w, method, row)
    seen: dict[str, list[str]] = {}
    for name in row.who:
        status, text = answers[name]
        seen.setdefault(f"{status} {text[:60]!r}" if status in (302, 409, 422) else str(status), []).append(name)
        if row.shows is not None:
            problems += _judge_list(w, row, name, status, text)
        else:
            problems += _judge(row, name, status, text)
    problems += [f"{name}: may not write here, but something was written" for name in sorted(wrote)]
    if method == "POST" and not row.bounce and row.shows is None:
        writers = row.writers if row.writers is not None else row.allowed
        missed = sorted(name for name in writers if name in row.who and name not in done)
        problems += [f"{name}: got through, but the POST wrote nothing: {_why(answers[name][1])}" for name in missed]
    if method == "GET" and row.audited and not row.bounce and row.shows is None:
        unaudited = sorted(n for n in row.allowed if n in row.who and answers[n][0] == 200 and n not in done)
        problems += [f"{name}: read the record, but no audit event was written" for name in unaudited]
    if row.bounce and len({key for key in seen if key.startswith("302")}) > 1:
        problems.append("the redirect depends on who asks")
    if problems:
        problems.append(f"{method} {row.path(w)} answered: " + "; ".join(f"{k}: {sorted(v)}" for k, v in seen.items()))
    return problems


# --- The tests ---------------------------------------------------------------------------


def _methods(pattern: URLPattern) -> list[str]:
    view = pattern.callback.view_class  # type: ignore[attr-defined]
    return [m.upper() for m in ("get", "post") if m in view.http_method_names and hasattr(view, m)]


@pytest.mark.django_db
def test_every_address_has_a_row(client: OpenAPIClient) -> None:
    pages = {(p.name, method) for p in case_urls.urlpatterns for method in _methods(p)}
    assert pages - PAGES.keys() == set(), "pages without a row in the access matrix"
    assert PAGES.keys() - pages == set(), "rows for pages that do not exist"
    document = client.get("/api/v1/openapi.json").json()
    endpoints = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        if path.startswith(API_PREFIXES)
        for method in operations
        if method.upper() in ("GET", "POST")
    }
    assert endpoints - ENDPOINTS.keys() == set(), "API operations without a row in the access matrix"
    assert ENDPOINTS.keys() - endpoints == set(), "rows for API operations that do not exist"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), sorted(PAGES), ids=[f"{m} {n}" for n, m in sorted(PAGES)])
def test_page(world: World, name: str, method: str) -> None:
    problems = _matrix(world, method, PAGES[(name, method)])
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), sorted(ENDPOINTS), ids=[f"{m} {p}" for m, p in sorted(ENDPOINTS)])
def test_endpoint(world: World, method: str, path: str) -> None:
    problems = _matrix(world, method, ENDPOINTS[(method, path)])
    assert not problems, "\n".join(problems)


def test_the_other_organisation_sees_its_own_case(world: World, db: None) -> None:
    """The control: the matrix's 404s are about scope, not a broken world."""
    principal = world.principals["other.supervisor"]
    assert principal.client.get(f"/en/staff/cases/{world.other_case.reference}/").status_code == 200
    assert connection.in_atomic_block


# The unassigned intake: every caseworker of the organisation works it, but the needs
# assessment has its own rule (the assignee and the supervisors only).
INTAKE_CASE = {"own.caseworker", "own.caseworker_other", "own.supervisor"}
INTAKE: dict[tuple[str, str], Row] = {
    ("GET", "detail"): _row(page("detail", lambda w: w.intake.reference), INTAKE_CASE),
    ("GET", "assessment_list"): _row(
        page("assessment_list", lambda w: w.intake.reference), SUPERVISES, readers=INTAKE_CASE
    ),
    ("GET", "assessment_detail"): _row(
        page("assessment_detail", lambda w: w.intake.reference, lambda w: 1), SUPERVISES, readers=INTAKE_CASE
    ),
    ("GET", "assessment_new"): _row(
        page("assessment_new", lambda w: w.intake.reference, lambda w: "screening"), SUPERVISES, readers=INTAKE_CASE
    ),
    ("POST", "assessment_new"): _row(
        page("assessment_new", lambda w: w.intake.reference, lambda w: "detailed"),
        SUPERVISES,
        lambda w: {"case_version": Case.objects.get(pk=w.intake.pk).version},
        readers=INTAKE_CASE,
    ),
    ("GET", "api case"): _row(api("/api/v1/cases/{r}", r=lambda w: w.intake.reference), INTAKE_CASE),
    ("GET", "api assessments"): _row(
        api("/api/v1/cases/{r}/assessments", r=lambda w: w.intake.reference), SUPERVISES, readers=INTAKE_CASE
    ),
    ("GET", "api assessment"): _row(
        api("/api/v1/cases/{r}/assessments/1", r=lambda w: w.intake.reference), SUPERVISES, readers=INTAKE_CASE
    ),
    ("POST", "api assessments"): _row(
        api("/api/v1/cases/{r}/assessments", r=lambda w: w.intake.reference),
        SUPERVISES,
        lambda w: {"stage": "detailed", "case_version": Case.objects.get(pk=w.intake.pk).version},
        readers=INTAKE_CASE,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "name"), sorted(INTAKE), ids=[f"{m} {n}" for m, n in sorted(INTAKE)])
def test_the_intake_and_its_assessment(world: World, method: str, name: str) -> None:
    row = INTAKE[(method, name)]
    problems = _matrix(world, method, row)
    if (method, name) == ("GET", "detail"):
        for person in ("own.caseworker", "own.caseworker_other"):
            page_text = world.principals[person].client.get(row.path(world)).content.decode()
            if INTAKE_ASSESSMENT in page_text:
                problems.append(f"{person}: the intake's case page shows its needs assessment")
    assert not problems, "\n".join(problems)


# After the person withdraws the consent both referrals rest on: the recipient keeps the
# referral's status (no content, so no read to audit), and loses the conference; the
# case's side keeps all.
def _withdrawn(w: World) -> None:
    from victory.cases.services.consent import consent_withdraw

    consent_withdraw(actor=None, consent=ConsentRecord.objects.get(pk=w.consent_given.pk), reason="She asked.")


SNAPSHOT_WORDS = ("Amina Example", "headscarf")
WITHDRAWN: dict[tuple[str, str], Row] = {
    ("GET", "referral_detail"): _row(
        page("referral_detail", lambda w: w.referral_accepted.reference), RECEIVES, prepare=_withdrawn, audited=False
    ),
    ("GET", "api referral"): _row(
        api("/api/v1/referrals/{id}", **ACCEPTED), RECEIVES, prepare=_withdrawn, audited=False
    ),
    ("GET", "conference_detail"): _row(page("conference_detail", lambda w: w.conference.pk), WORKS, prepare=_withdrawn),
    ("GET", "api conference"): _row(
        api("/api/v1/conferences/{c}", c=lambda w: w.conference.pk), WORKS, prepare=_withdrawn
    ),
    ("POST", "referral_accept"): _row(
        page("referral_accept", lambda w: w.referral_sent.reference),
        RECEIVES,
        lambda w: {"version": Referral.objects.get(pk=w.referral_sent.pk).version},
        prepare=_withdrawn,
        writers=set(),  # the referral ended with the consent: nothing to accept
    ),
    ("POST", "conference_action_done"): _row(
        page("conference_action_done", lambda w: w.conference.pk, lambda w: w.action.pk),
        set(),
        prepare=_withdrawn,
        readers=WORKS,
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "name"), sorted(WITHDRAWN), ids=[f"{m} {n}" for m, n in sorted(WITHDRAWN)])
def test_after_the_consent_is_withdrawn(world: World, method: str, name: str) -> None:
    row = WITHDRAWN[(method, name)]
    problems = _matrix(world, method, row)
    if method == "GET" and name.endswith("referral"):
        for person in sorted(RECEIVES):
            with transaction.atomic():
                _withdrawn(world)
                status, text = _answer(_send(world, person, "GET", row.path(world), {}))
                transaction.set_rollback(True)
            shown = [words for words in SNAPSHOT_WORDS if words in text]
            if status == 200 and shown:
                problems.append(f"{person}: the withdrawn referral still shows {shown}")
    assert not problems, "\n".join(problems)


def test_the_snapshot_words_are_shared_while_the_consent_holds(world: World, db: None) -> None:
    """The control for the test above: before the withdrawal, the recipient reads them."""
    path = page("referral_detail", lambda w: w.referral_accepted.reference)(world)
    text = world.principals["partner.justice_liaison"].client.get(path).content.decode()
    assert all(words in text for words in SNAPSHOT_WORDS)
