"""The reporter, with their receipt: logging in, API tokens, messages and files to the
organisation, consents, asking for deletion, and the audit of their reads."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.core.audit import audit_record
from victory.core.errors import AuthenticationFailed
from victory.core.ratelimit import FailureThrottle, Throttled, WindowCap

from . import selectors
from .models import (
    ConsentPurpose,
    Report,
    ReportConsent,
    ReporterToken,
    ReportEvidence,
    ReportMessage,
    Sender,
)
from .receipts import receipt_digest, receipt_normalise
from .services_evidence import _evidence_check, _evidence_store
from .signals import reporter_message_sent

# Receipt logins: per client (rotating address hash) and a platform-wide cap, so a
# distributed guesser is slowed too.
RECEIPT_CLIENT_THROTTLE = FailureThrottle(scope="receipt-client", slowdown_after=5, lock_after=20, lock_seconds=3600)
RECEIPT_PLATFORM_CAP = WindowCap(scope="receipt-platform", limit=500, window_seconds=600)
MESSAGE_MAX_CHARS = 10_000
# However often it is used, a reporter's API token ends this long after it was issued.
REPORTER_TOKEN_MAX_AGE = timedelta(hours=12)


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
    *, report: Report, body: str, files: list[UploadedFile[bytes]] | None = None, client: str = ""
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
        reporter_message_sent.send(sender=Report, report=report, message=message)
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
