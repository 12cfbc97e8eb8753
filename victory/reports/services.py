"""Every write of the reports app: submitting a report here; evidence, the receipt login,
the reporter's messages and consents, the organisation's answers and retention in the
``services_*`` modules, re-exported below.

The HTML views, the JSON API, management commands and tests all call these; each
writes its own audit event. Nothing here ever logs or stores a client address.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import Organisation
from victory.core.audit import audit_record
from victory.core.ratelimit import Throttled, WindowCap

from . import selectors
from .models import (
    BiasMotivation,
    ConsentPurpose,
    IncidentType,
    PlaceKind,
    PoliceAware,
    Report,
    ReportConsent,
    ReporterRole,
    ReportEvidence,
    ReportStatus,
    ReportStatusChange,
    SupportNeed,
)
from .receipts import receipt_digest, receipt_generate

# Submissions per client: generous for a person, a wall for a flood of fake reports.
SUBMISSION_CLIENT_CAP = WindowCap(scope="report-submit", limit=10, window_seconds=3600)
SHORT_TEXT_MAX_CHARS = 2_000
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read aloud

# --- Submitting a report ------------------------------------------------------


@dataclass
class ReportDraft:
    """Everything a reporter may give; only ``narrative`` (and where, to route it) is
    required. The form wizard and the API both build one of these."""

    narrative: str = ""
    country: str = ""
    reporter_role: str = ""  # not said
    occurred_on: date | None = None
    occurred_when: str = ""
    location: str = ""
    place_kind: str = ""
    online_platform: str = ""
    bias_motivations: list[str] = field(default_factory=list)
    incident_types: list[str] = field(default_factory=list)
    impact: str = ""
    offender_description: str = ""
    police_aware: str = ""
    wants_police_told: bool | None = None
    support_needs: list[str] = field(default_factory=list)
    support_language: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_safe_times: str = ""
    email_updates: bool = False  # "e-mail me when there is a new message"
    consents: dict[str, bool] = field(default_factory=dict)
    organisation_id: int | None = None
    language: str = "en"
    draft_key: str = ""  # evidence uploaded before sending


@dataclass(frozen=True)
class SubmittedReport:
    report: Report
    receipt: str  # shown once, never stored


def _check_codes(errors: dict[str, list[str]], name: str, values: list[str], choices: type[TextChoices]) -> None:
    known = set(choices.values)
    for value in values:
        if value not in known:
            errors.setdefault(name, []).append(_("“%(value)s” is not one of the listed answers.") % {"value": value})


def _check_length(errors: dict[str, list[str]], name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(
            _("This answer is too long: keep it under %(limit)s characters.") % {"limit": limit}
        )


def report_draft_validate(draft: ReportDraft) -> None:
    """Raise ``ValidationError`` naming each wrong field, with a message that says how to
    fix it. Text is kept exactly as typed: it is escaped when shown, never altered."""
    errors: dict[str, list[str]] = {}
    if not draft.narrative.strip():
        errors["narrative"] = [_("Tell us what happened, in your own words.")]
    _check_length(errors, "narrative", draft.narrative, settings.VICTORY_NARRATIVE_MAX_CHARS)
    for name in (
        "occurred_when",
        "location",
        "online_platform",
        "impact",
        "offender_description",
        "support_language",
        "contact_safe_times",
    ):
        _check_length(errors, name, getattr(draft, name), SHORT_TEXT_MAX_CHARS)
    country = draft.country.strip().upper()
    if country and country not in selectors.country_codes():
        # Optional: without a country the platform-wide intake organisation receives it.
        errors["country"] = [_("Choose a country from the list.")]
    if draft.reporter_role and draft.reporter_role not in ReporterRole.values:
        errors["reporter_role"] = [_("Choose who is reporting.")]
    if draft.occurred_on and draft.occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    if draft.place_kind and draft.place_kind not in PlaceKind.values:
        errors["place_kind"] = [_("Choose one of the listed places.")]
    if draft.police_aware and draft.police_aware not in PoliceAware.values:
        errors["police_aware"] = [_("Choose one of the listed answers.")]
    _check_codes(errors, "bias_motivations", draft.bias_motivations, BiasMotivation)
    _check_codes(errors, "incident_types", draft.incident_types, IncidentType)
    _check_codes(errors, "support_needs", draft.support_needs, SupportNeed)
    for purpose in draft.consents:
        if purpose not in ConsentPurpose.values:
            errors.setdefault("consents", []).append(
                _("“%(value)s” is not one of the listed choices.") % {"value": purpose}
            )
    if draft.contact_email:
        try:
            validate_email(draft.contact_email.strip())
        except ValidationError:
            errors["contact_email"] = [_("Enter an e-mail address like name@example.org, or leave it empty.")]
    if draft.contact_phone and not any(ch.isdigit() for ch in draft.contact_phone):
        errors["contact_phone"] = [_("Enter a phone number with digits, or leave it empty.")]
    _check_length(errors, "contact_phone", draft.contact_phone, 40)
    accepting = selectors.organisation_list_accepting_reports(country=country) if country else None
    if (
        draft.organisation_id is not None
        and accepting is not None
        and "country" not in errors
        and not accepting.filter(pk=draft.organisation_id).exists()
    ):
        errors["organisation"] = [_("Choose one of the organisations listed for this country.")]
    if errors:
        raise ValidationError(errors)


def _reference_generate() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"VT-{body[:4]}-{body[4:]}"


def report_submit(*, draft: ReportDraft, client: str = "") -> SubmittedReport:
    """Validate, route and store a report; returns it with its receipt (shown once).

    The receipt hash (the slow part) is computed before the transaction opens, so the
    database is never held while Argon2 runs."""
    report_draft_validate(draft)
    # Counted after validation: a person correcting mistakes is not a flood.
    if client and not SUBMISSION_CLIENT_CAP.hit(client):
        raise Throttled(SUBMISSION_CLIENT_CAP.window_seconds)
    country = draft.country.strip().upper()
    organisation = selectors.intake_organisation_for(country=country, chosen_id=draft.organisation_id)
    if organisation is None:
        message = (
            _("No organisation receives reports for this country yet.")
            if country
            else _("No organisation receives reports without a country yet. Say in which country it happened.")
        )
        raise ValidationError({"country": [message]})
    for _attempt in range(5):
        receipt = receipt_generate()
        digest = receipt_digest(receipt)
        try:
            report = _report_create(draft=draft, country=country, organisation=organisation, digest=digest)
        except IntegrityError:  # a reference or receipt collision: astronomically rare, try again
            continue
        return SubmittedReport(report=report, receipt=receipt)
    raise RuntimeError("could not allocate a unique reference and receipt")


@transaction.atomic
def _report_create(*, draft: ReportDraft, country: str, organisation: Organisation, digest: str) -> Report:
    contact = {
        "email": draft.contact_email.strip(),
        "phone": draft.contact_phone.strip(),
        "safe_times": draft.contact_safe_times.strip(),
        "email_updates": bool(draft.email_updates and draft.contact_email.strip()),
    }
    now = timezone.now()
    with transaction.atomic():  # a savepoint, so a collision can be retried cleanly
        # django-stubs' plugin knows neither a model property that can be set (occurred_on)
        # nor that an EncryptedJSONField holds JSON, not text (contact).
        report = Report.objects.create(  # type: ignore[misc]
            reference=_reference_generate(),
            receipt_digest=digest,
            organisation=organisation,
            reporter_role=draft.reporter_role,
            narrative=draft.narrative,
            occurred_on=draft.occurred_on,  # the model's property: the day encrypted, the month in clear
            occurred_when=draft.occurred_when.strip(),
            country=country,
            location=draft.location.strip(),
            place_kind=draft.place_kind,
            online_platform=draft.online_platform.strip(),
            bias_motivations=sorted(set(draft.bias_motivations)),
            incident_types=sorted(set(draft.incident_types)),
            impact=draft.impact,
            offender_description=draft.offender_description,
            police_aware=draft.police_aware,
            wants_police_told=draft.wants_police_told,
            support_needs=sorted(set(draft.support_needs)),
            support_language=draft.support_language.strip(),
            contact=contact if any(contact.values()) else None,
            language=draft.language,
            erase_after=now + timedelta(days=settings.VICTORY_REPORT_RETENTION_DAYS),
        )
    ReportConsent.objects.bulk_create(
        ReportConsent(report=report, purpose=purpose, granted=bool(draft.consents.get(purpose, False)))
        for purpose in ConsentPurpose.values
    )
    ReportStatusChange.objects.create(report=report, status=ReportStatus.RECEIVED)
    if draft.draft_key:
        ReportEvidence.objects.filter(draft_key=draft.draft_key, report__isnull=True).update(
            report=report, draft_key=""
        )
    audit_record(action="report.submitted", organisation=organisation, obj=report)
    from .tasks import new_report_notify_task

    transaction.on_commit(lambda: new_report_notify_task.enqueue(report_id=report.pk))
    return report


# The other writes of the app, by topic; ``services.<name>`` stays the one way in.
from victory.core.errors import AuthenticationFailed as AuthenticationFailed  # noqa: E402

from .services_evidence import IMAGE_TYPES as IMAGE_TYPES  # noqa: E402
from .services_evidence import OTHER_TYPES as OTHER_TYPES  # noqa: E402
from .services_evidence import draft_discard as draft_discard  # noqa: E402
from .services_evidence import evidence_add as evidence_add  # noqa: E402
from .services_evidence import evidence_discard_draft as evidence_discard_draft  # noqa: E402
from .services_reporter import MESSAGE_MAX_CHARS as MESSAGE_MAX_CHARS  # noqa: E402
from .services_reporter import RECEIPT_CLIENT_THROTTLE as RECEIPT_CLIENT_THROTTLE  # noqa: E402
from .services_reporter import RECEIPT_PLATFORM_CAP as RECEIPT_PLATFORM_CAP  # noqa: E402
from .services_reporter import REPORTER_MESSAGE_CAP as REPORTER_MESSAGE_CAP  # noqa: E402
from .services_reporter import REPORTER_MESSAGE_NOTICE as REPORTER_MESSAGE_NOTICE  # noqa: E402
from .services_reporter import REPORTER_TOKEN_MAX_AGE as REPORTER_TOKEN_MAX_AGE  # noqa: E402
from .services_reporter import InvalidReceipt as InvalidReceipt  # noqa: E402
from .services_reporter import TooManyMessages as TooManyMessages  # noqa: E402
from .services_reporter import consent_set as consent_set  # noqa: E402
from .services_reporter import receipt_login as receipt_login  # noqa: E402
from .services_reporter import report_deletion_request as report_deletion_request  # noqa: E402
from .services_reporter import report_read_by_reporter as report_read_by_reporter  # noqa: E402
from .services_reporter import reporter_message_send as reporter_message_send  # noqa: E402
from .services_reporter import reporter_token_issue as reporter_token_issue  # noqa: E402
from .services_reporter import reporter_token_report as reporter_token_report  # noqa: E402
from .services_retention import reports_erase_expired as reports_erase_expired  # noqa: E402
from .services_staff import country_intake_set as country_intake_set  # noqa: E402
from .services_staff import evidence_open as evidence_open  # noqa: E402
from .services_staff import organisation_message_send as organisation_message_send  # noqa: E402
from .services_staff import report_case_link_set as report_case_link_set  # noqa: E402
from .services_staff import report_list_viewed as report_list_viewed  # noqa: E402
from .services_staff import report_open as report_open  # noqa: E402
from .services_staff import report_status_set as report_status_set  # noqa: E402
