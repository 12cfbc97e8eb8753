"""E-mails about reports, sent by the task queue. None of them says anything about the
report itself: a mailbox can be read by someone else. They go through
``victory.core.mail``, so a refused address is not kept with the task's failure."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from victory.accounts.models import User
from victory.core.mail import MailNotSent, mail_send

from .models import ConsentPurpose, Report


def _caseworkers(report: Report) -> list[User]:
    return list(User.objects.handling_reports_of(report.organisation))


def _notify_staff(report_id: int, subject: str, line: str) -> int:
    """``subject`` and ``line`` are marked with gettext_noop and translated per recipient.
    One refused address does not keep the others from being told; the task fails after."""
    report = Report.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None:
        return 0
    sent, failures = 0, []
    for user in _caseworkers(report):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            link = settings.VICTORY_SITE_URL + reverse("reports:staff_list")
            body = "\n\n".join([_(line), link, _("This e-mail gives no detail on purpose. Log in to read it.")])
            try:
                mail_send(subject=_(subject), body=body, to=[user.email])
            except MailNotSent as error:
                failures.append(str(error))
                continue
        sent += 1
    if failures:
        raise MailNotSent(f"{len(failures)} of {sent + len(failures)}: {'; '.join(sorted(set(failures)))}") from None
    return sent


@task
def new_report_notify_task(*, report_id: int) -> int:
    return _notify_staff(
        report_id,
        gettext_noop("New report in VicTory"),
        gettext_noop("A new report has arrived in your organisation's VicTory inbox."),
    )


@task
def reporter_message_notify_task(*, report_id: int) -> int:
    return _notify_staff(
        report_id,
        gettext_noop("New message in VicTory"),
        gettext_noop("A person who reported has sent a new message in VicTory."),
    )


@task
def reporter_reply_notify_task(*, report_id: int) -> bool:
    """Only when the reporter gave an address, agreed to be contacted and asked to be
    told of new messages by e-mail, and never once they asked for the report to be deleted."""
    from .selectors import report_get_for_reporter

    report = report_get_for_reporter(report_id=report_id)
    contact = cast("dict[str, Any] | None", report.contact if report else None)
    if report is None or not contact or not contact.get("email_updates"):
        return False
    if not report.consents.filter(purpose=ConsentPurpose.CONTACT, granted=True).exists():
        return False
    with translation.override(report.language):
        link = settings.VICTORY_SITE_URL + reverse("reports:inbox_login")
        body = "\n\n".join(
            [
                _("There is a new message for you in VicTory."),
                _("Open it with your receipt here:"),
                link,
            ]
        )
        mail_send(subject=_("New message in VicTory"), body=body, to=[contact["email"]])
    return True


@task
def reports_erase_expired_task() -> int:
    from .services import reports_erase_expired

    return reports_erase_expired()
