"""Every write of the reports app: submitting a report, evidence, the receipt login, the
reporter's messages and consents, the organisation's answers, and retention.

The HTML views, the JSON API, management commands and tests all call these; each
writes its own audit event. Nothing here ever logs or stores a client address.
"""

from __future__ import annotations

import functools
import hashlib
import io
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from victory.accounts.models import Organisation, User
from victory.accounts.permissions import can_handle_reports
from victory.core.audit import audit_record
from victory.core.ratelimit import FailureThrottle, Throttled, WindowCap

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
    ReporterToken,
    ReportEvidence,
    ReportMessage,
    ReportStatus,
    ReportStatusChange,
    Sender,
    SupportNeed,
)
from .receipts import receipt_digest, receipt_generate, receipt_normalise

# Receipt logins: per client (rotating address hash) and a platform-wide cap, so a
# distributed guesser is slowed too.
RECEIPT_CLIENT_THROTTLE = FailureThrottle(scope="receipt-client", slowdown_after=5, lock_after=20, lock_seconds=3600)
RECEIPT_PLATFORM_CAP = WindowCap(scope="receipt-platform", limit=500, window_seconds=600)
# Submissions per client: generous for a person, a wall for a flood of fake reports.
SUBMISSION_CLIENT_CAP = WindowCap(scope="report-submit", limit=10, window_seconds=3600)
# Pillow's own guard, for every picture it opens anywhere in the platform: it warns above
# this many pixels and refuses above twice as many. Evidence is refused above it, with a
# message, by ``_strip_image_metadata``.
Image.MAX_IMAGE_PIXELS = settings.VICTORY_EVIDENCE_MAX_PIXELS

MESSAGE_MAX_CHARS = 10_000
# However often it is used, a reporter's API token ends this long after it was issued.
REPORTER_TOKEN_MAX_AGE = timedelta(hours=12)
SHORT_TEXT_MAX_CHARS = 2_000
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read aloud

# What a file's content says it is -> accepted. Extensions are never trusted.
IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
OTHER_TYPES = {
    "application/pdf",
    "audio/mpeg",
    "audio/ogg",
    "audio/x-wav",
    "audio/x-flac",
    "audio/mp4",
    "audio/aac",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "video/x-matroska",
    "video/3gpp",
}


class AuthenticationFailed(Exception):
    """Wrong receipt or token. Says nothing more."""


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
        report = Report.objects.create(
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
            contact=contact if any(contact.values()) else None,  # type: ignore[misc]
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


# --- Evidence -----------------------------------------------------------------


def _evidence_client_cap() -> WindowCap:
    """Files one client may add per hour, through the form and the inbox together. Each
    may be a photo to decode, the costliest thing an anonymous visitor can ask for."""
    return WindowCap(scope="evidence-add", limit=settings.VICTORY_EVIDENCE_FILES_PER_HOUR, window_seconds=3600)


def _strip_image_metadata(data: bytes, image_format: str) -> bytes:
    """Re-encode the picture without EXIF (GPS, camera, author), XMP, ICC or comments.
    The orientation is applied first, so the photo still shows the right way up.

    Raises ``Image.DecompressionBombError`` for a picture of more pixels than the budget,
    read from its header before a single pixel is decoded: a PNG of one colour packs
    169 million pixels in 20 KB, and decoding them takes seconds and gigabytes."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if width * height > settings.VICTORY_EVIDENCE_MAX_PIXELS:
            raise Image.DecompressionBombError(f"{width} x {height} pixels")
        image.load()
        clean = ImageOps.exif_transpose(image) if image_format != "GIF" else image.copy()
        if image_format == "JPEG" and clean.mode not in {"RGB", "L"}:
            clean = clean.convert("RGB")
        # Pillow writes only the metadata found in ``info`` or passed to ``save``.
        clean.info = {}
        output = io.BytesIO()
        options = {"quality": 92} if image_format in {"JPEG", "WEBP"} else {}
        clean.save(output, format=image_format, **options)
        return output.getvalue()


def _evidence_check(upload: UploadedFile, *, already: int, client: str = "") -> tuple[bytes, str]:
    """The file's bytes (a photo's cleaned) and its type, or ValidationError / Throttled.
    Counted against the client's cap once the cheap checks pass, before it is read:
    a refused picture costs a little too, and must not be free to send again and again."""
    name = upload.name or _("file")
    if already >= settings.VICTORY_EVIDENCE_MAX_FILES:
        count = settings.VICTORY_EVIDENCE_MAX_FILES
        raise ValidationError(
            {
                "evidence": [
                    ngettext("You can add up to %(count)s file.", "You can add up to %(count)s files.", count)
                    % {"count": count}
                ]
            }
        )
    if upload.size is None or upload.size > settings.VICTORY_EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "evidence": [
                    _("“%(name)s” is larger than %(size)s. Choose a smaller file.")
                    % {"name": name, "size": filesizeformat(settings.VICTORY_EVIDENCE_MAX_BYTES)}
                ]
            }
        )
    if upload.size == 0:
        raise ValidationError({"evidence": [_("“%(name)s” is empty.") % {"name": name}]})
    if client:
        cap = _evidence_client_cap()
        if not cap.hit(client):
            raise Throttled(cap.window_seconds)
    data = b"".join(upload.chunks())
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else ("application/pdf" if data.startswith(b"%PDF-") else "")
    refused = ValidationError(
        {"evidence": [_("“%(name)s” is not a photo, PDF, sound or video file we can accept.") % {"name": name}]}
    )
    if mime in IMAGE_TYPES:
        try:
            return _strip_image_metadata(data, IMAGE_TYPES[mime]), mime
        except Image.DecompressionBombError:
            megapixels = settings.VICTORY_EVIDENCE_MAX_PIXELS // 1_000_000
            message = _(
                "“%(name)s” is too large a picture for us to check. Send a smaller copy, of at most "
                "%(megapixels)s megapixels: most phones can share a photo in a smaller size."
            ) % {"name": name, "megapixels": megapixels}
            raise ValidationError({"evidence": [message]}) from None
        except (UnidentifiedImageError, OSError, ValueError):
            raise refused from None
    if mime in OTHER_TYPES:
        return data, mime
    raise refused


def evidence_add(
    *,
    upload: UploadedFile,
    report: Report | None = None,
    draft_key: str = "",
    added_by: str = Sender.REPORTER,
    message: ReportMessage | None = None,
    client: str = "",
) -> ReportEvidence:
    """Check a file by its content, strip a photo's metadata, store it encrypted.
    ``client`` (the request's fingerprint) caps the files one client adds per hour;
    raises ValidationError or Throttled."""
    if report is None and not draft_key:
        raise ValueError("evidence belongs to a report or to a draft")
    already = (
        ReportEvidence.objects.filter(report=report).count()
        if report is not None
        else ReportEvidence.objects.filter(draft_key=draft_key, report__isnull=True).count()
    )
    data, mime = _evidence_check(upload, already=already, client=client)
    return _evidence_store(
        report=report,
        draft_key=draft_key,
        message=message,
        added_by=added_by,
        name=upload.name or "",
        data=data,
        mime=mime,
    )


def _evidence_store(
    *,
    report: Report | None,
    draft_key: str,
    message: ReportMessage | None,
    added_by: str,
    name: str,
    data: bytes,
    mime: str,
) -> ReportEvidence:
    """Store checked (and, for photos, cleaned) bytes encrypted."""
    with transaction.atomic():
        evidence = ReportEvidence(
            report=report,
            draft_key="" if report is not None else draft_key,
            message=message,
            original_name=name[:255],
            content_type=mime,
            size=len(data),
            added_by=added_by,
        )
        evidence.file.save("evidence", ContentFile(data), save=False)
        evidence.save()
        if report is not None:
            audit_record(action="report.evidence_added", organisation=report.organisation, obj=report)
    return evidence


@transaction.atomic
def evidence_discard_draft(*, draft_key: str, evidence_id: int) -> None:
    """Remove a file from a report not yet sent (only from the same draft)."""
    evidence = ReportEvidence.objects.filter(pk=evidence_id, draft_key=draft_key, report__isnull=True).first()
    if evidence is not None:
        name = evidence.file.name
        storage = evidence.file.storage
        evidence.delete()
        if name:
            transaction.on_commit(functools.partial(storage.delete, name))


@transaction.atomic
def draft_discard(*, draft_key: str) -> None:
    """Remove every file of a report not yet sent: the draft is abandoned, has expired,
    or the person used "Exit this page"."""
    for evidence_id in ReportEvidence.objects.filter(draft_key=draft_key, report__isnull=True).values_list(
        "pk", flat=True
    ):
        evidence_discard_draft(draft_key=draft_key, evidence_id=evidence_id)


# --- The reporter, with their receipt -------------------------------------------


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvalidReceipt(ValueError):
    """What was typed cannot be a receipt (wrong length or characters): not a guess."""


def receipt_login(*, receipt: str, client: str) -> Report:
    """The report whose receipt this is. Raises InvalidReceipt, Throttled or
    AuthenticationFailed (a wrong receipt, or one whose report was erased)."""
    digits = receipt_normalise(receipt)
    if digits is None:
        raise InvalidReceipt
    # Under a platform-wide flood of wrong receipts, only clients that have already
    # failed are refused: a reporter typing their receipt right still gets in.
    if RECEIPT_PLATFORM_CAP.reached() and RECEIPT_CLIENT_THROTTLE.attempts(client) > 0:
        raise Throttled(60)
    verdict = RECEIPT_CLIENT_THROTTLE.begin(client)
    if not verdict.allowed:
        raise Throttled(verdict.retry_after)
    # Through the reporters' gate: the receipt of a report whose deletion was asked for
    # fails like a wrong one.
    report = selectors.report_get_by_receipt(digest=receipt_digest(digits))
    if report is None:
        RECEIPT_PLATFORM_CAP.hit("platform")
        audit_record(action="report.receipt_login_failed")
        raise AuthenticationFailed
    # Not succeed(): holding one valid receipt must not wipe the count of wrong ones.
    RECEIPT_CLIENT_THROTTLE.forgive(client)
    audit_record(action="report.reporter_login", organisation=report.organisation, obj=report)
    return report


@transaction.atomic
def reporter_token_issue(*, report: Report) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(seconds=settings.VICTORY_REPORTER_IDLE_TIMEOUT)
    ReporterToken.objects.create(report=report, digest=_token_digest(token), expires_at=expires)
    return token, expires


def reporter_token_report(*, token: str) -> Report | None:
    """The report of a live token; each use extends it by the idle timeout. None for a
    token of a report whose deletion was asked for, even one not yet deleted."""
    found = selectors.reporter_token_get(digest=_token_digest(token))
    now = timezone.now()
    if found is None or found.expires_at <= now or found.issued_at <= now - REPORTER_TOKEN_MAX_AGE:
        return None
    ReporterToken.objects.filter(pk=found.pk).update(
        expires_at=timezone.now() + timedelta(seconds=settings.VICTORY_REPORTER_IDLE_TIMEOUT)
    )
    return found.report


def _message_body_check(body: str, *, with_files: bool = False) -> str:
    if not body.strip() and not with_files:
        raise ValidationError({"body": [_("Write your message, or add a file.")]})
    if len(body) > MESSAGE_MAX_CHARS:
        raise ValidationError(
            {
                "body": [
                    _("This message is too long: keep it under %(limit)s characters.") % {"limit": MESSAGE_MAX_CHARS}
                ]
            }
        )
    return body


# A reporter's messages per report: far more than a person writes in an hour, a wall for
# a script holding a receipt (every message is stored, and its caseworkers are told).
REPORTER_MESSAGE_CAP = WindowCap(scope="reporter-message", limit=30, window_seconds=3600)
# Caseworkers are told of new messages of one report at most once in ten minutes: the
# e-mail says only that there is something to read, and the report shows every message.
REPORTER_MESSAGE_NOTICE = WindowCap(scope="reporter-message-notice", limit=1, window_seconds=600)


class TooManyMessages(Throttled):
    """``REPORTER_MESSAGE_CAP`` reached: the pages say so in words about messages, not files."""


def _reporter_message_notify(report_id: int) -> None:
    if REPORTER_MESSAGE_NOTICE.hit(str(report_id)):
        from .tasks import reporter_message_notify_task

        reporter_message_notify_task.enqueue(report_id=report_id)


def reporter_message_send(
    *, report: Report, body: str, files: list[UploadedFile] | None = None, client: str = ""
) -> ReportMessage:
    """A message (or more information) from the reporter, with optional files (a file
    alone is enough). The files count towards the cap of ``client``, as in the form; the
    message towards the report's ``REPORTER_MESSAGE_CAP`` (raises ``Throttled``)."""
    files = files or []
    _message_body_check(body, with_files=bool(files))
    # Every file is checked (once) before any is stored, so a refused file leaves nothing behind.
    already = ReportEvidence.objects.filter(report=report).count()
    checked = [
        (upload.name or "", *_evidence_check(upload, already=already + index, client=client))
        for index, upload in enumerate(files)
    ]
    # Counted once the message would be accepted (a refused file does not use it up),
    # and outside the transaction, so the count stays whatever happens next.
    if not REPORTER_MESSAGE_CAP.hit(str(report.pk)):
        raise TooManyMessages(REPORTER_MESSAGE_CAP.window_seconds)
    with transaction.atomic():
        message = ReportMessage.objects.create(report=report, sender=Sender.REPORTER, body=body)
        for name, data, mime in checked:
            _evidence_store(
                report=report, draft_key="", message=message, added_by=Sender.REPORTER, name=name, data=data, mime=mime
            )
        audit_record(action="report.message_from_reporter", organisation=report.organisation, obj=report)
        transaction.on_commit(lambda: _reporter_message_notify(report.pk))
    return message


@transaction.atomic
def consent_set(*, report: Report, purpose: str, granted: bool) -> ReportConsent:
    """Give or withdraw one consent; a withdrawal is effective at once for everyone.

    A sharing consent (``consent_sharing.SHARING_PURPOSES``) is given here only after the
    person confirmed it: the HTML views show the confirmation page first; the JSON API
    passes it on as sent, since an API client shows its own confirmation."""
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": [_("This is not one of the listed choices.")]})
    consent, _created = ReportConsent.objects.select_for_update().get_or_create(
        report=report, purpose=purpose, defaults={"granted": granted}
    )
    if consent.granted != granted:
        consent.granted = granted
        consent.save(update_fields=["granted", "changed_at"])
    audit_record(
        action="report.consent_given" if granted else "report.consent_withdrawn",
        organisation=report.organisation,
        obj=report,
        reason=purpose,
    )
    return consent


@transaction.atomic
def report_deletion_request(*, report: Report) -> None:
    """The reporter asks for erasure: the report is erased at the next retention run
    (within the hour), and from now every way in is closed at once: the receipt, every
    inbox session and the sent page and PDF of the browser that sent it (they all read
    through ``selectors.report_get_for_reporter`` and its siblings), and the API tokens,
    deleted here."""
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(deletion_requested_at=now, erase_after=now)
    report.deletion_requested_at = report.erase_after = now
    ReporterToken.objects.filter(report=report).delete()
    audit_record(action="report.deletion_requested", organisation=report.organisation, obj=report)


def report_read_by_reporter(*, report: Report, what: str) -> None:
    """The reporter looked at their report (inbox page, API, acknowledgement): audited
    like every other read of a report."""
    audit_record(action="report.read_by_reporter", organisation=report.organisation, obj=report, reason=what)


# --- The receiving organisation ---------------------------------------------------


def _require_handler(actor: User, report: Report) -> None:
    if not can_handle_reports(actor, report.organisation):
        raise PermissionDenied


@transaction.atomic
def report_open(*, actor: User, report: Report) -> Report:
    """A caseworker reads a report: audited, and the reporter's messages count as read."""
    _require_handler(actor, report)
    report.messages.filter(sender=Sender.REPORTER, read_at__isnull=True).update(read_at=timezone.now())
    audit_record(action="report.opened", actor=actor, organisation=report.organisation, obj=report)
    return report


@transaction.atomic
def organisation_message_send(*, actor: User, report: Report, body: str) -> ReportMessage:
    _require_handler(actor, report)
    _message_body_check(body)
    if report.status == ReportStatus.RECEIVED:  # first, so the reporter's timeline reads in order
        _status_change(report=report, status=ReportStatus.IN_REVIEW)
    message = ReportMessage.objects.create(report=report, sender=Sender.ORGANISATION, author=actor, body=body)
    audit_record(action="report.message_to_reporter", actor=actor, organisation=report.organisation, obj=report)
    from .tasks import reporter_reply_notify_task

    transaction.on_commit(lambda: reporter_reply_notify_task.enqueue(report_id=report.pk))
    return message


def _status_change(*, report: Report, status: str, referred_to: str = "") -> None:
    report.status = status
    report.referred_to = referred_to if status == ReportStatus.REFERRED else ""
    report.save(update_fields=["status", "referred_to", "updated_at"])
    ReportStatusChange.objects.create(report=report, status=status)


@transaction.atomic
def report_status_set(*, actor: User, report: Report, status: str, referred_to: str = "") -> Report:
    _require_handler(actor, report)
    if status not in ReportStatus.values:
        raise ValidationError({"status": [_("Choose one of the listed statuses.")]})
    if status == ReportStatus.REFERRED and not referred_to.strip():
        raise ValidationError({"referred_to": [_("Say which organisation the report was referred to.")]})
    if status != report.status or referred_to.strip() != report.referred_to:
        _status_change(report=report, status=status, referred_to=referred_to.strip())
        audit_record(
            action="report.status_changed", actor=actor, organisation=report.organisation, obj=report, reason=status
        )
    return report


def report_list_viewed(*, actor: User, organisation_ids: list[int]) -> None:
    """A caseworker saw the list of their organisations' reports (references, countries,
    statuses): audited once per view."""
    audit_record(action="report.list_viewed", actor=actor, reason=",".join(map(str, organisation_ids)))


def evidence_open(*, actor: User, evidence: ReportEvidence) -> bytes:
    """A caseworker downloads a file: audited, decrypted in memory only."""
    assert evidence.report is not None
    _require_handler(actor, evidence.report)
    audit_record(
        action="report.evidence_opened",
        actor=actor,
        organisation=evidence.report.organisation,
        obj=evidence.report,
        reason=str(evidence.pk),
    )
    with evidence.file.open("rb") as handle:
        return handle.read()


# --- Configuration (platform administrators) --------------------------------------


@transaction.atomic
def country_intake_set(*, actor: User | None, country: str, organisation: Organisation) -> None:
    """Which organisation receives a country's reports by default ("*": any other country).
    ``actor`` None means the platform itself (demo seeding)."""
    from victory.accounts.permissions import can_manage_organisations

    from .models import CountryIntake

    if actor is not None and not can_manage_organisations(actor):
        raise PermissionDenied
    country = country.strip().upper()
    # ASCII letters only: str.upper() and isalpha() accept any script, and a code outside
    # the list would configure an intake no report is ever sent to.
    if country != "*" and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise ValidationError(
            {"country": [_("Enter a two-letter country code, such as PT, or * for every other country.")]}
        )
    if country != "*" and country not in selectors.country_codes():
        raise ValidationError({"country": [_("Choose a country from the list.")]})
    CountryIntake.objects.update_or_create(country=country, defaults={"organisation": organisation})
    audit_record(action="report.intake_configured", actor=actor, organisation=organisation, reason=country)


# --- Retention --------------------------------------------------------------------


def reports_erase_expired(*, now: datetime | None = None) -> int:
    """Erase reports past their retention date (or whose reporter asked), that never
    became a case; drafts' files left for a day; expired reporter tokens."""
    now = now or timezone.now()
    erased = 0
    for report in Report.objects.filter(erase_after__lte=now, became_case=False).select_related("organisation"):
        with transaction.atomic():
            files = [(e.file.storage, e.file.name) for e in report.evidence.all()]
            organisation = report.organisation
            audit_record(
                action="report.erased",
                organisation=organisation,
                object_type="reports.report",
                object_id=str(report.pk),
                reason="deletion requested" if report.deletion_requested_at else "retention period ended",
            )
            report.delete()
            for storage, name in files:
                if name:
                    transaction.on_commit(functools.partial(storage.delete, name))
        erased += 1
    stale_drafts = ReportEvidence.objects.filter(report__isnull=True, created_at__lt=now - timedelta(days=1))
    for evidence in stale_drafts:
        storage, name = evidence.file.storage, evidence.file.name
        evidence.delete()
        if name:
            storage.delete(name)
    ReporterToken.objects.filter(expires_at__lte=now).delete()
    return erased
