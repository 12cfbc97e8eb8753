"""An e-mail that cannot be sent leaves no address behind: not in the task result table,
not in the worker's log, whichever task sent it (victory.core.mail). The tasks run in
the real database worker, against a mail backend that refuses an address as an SMTP
server does (550, quoting the address in its reply)."""

from __future__ import annotations

import logging
import smtplib
import traceback
from collections.abc import Sequence
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.tasks import Task
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from tests.factories import MembershipFactory, OrganisationFactory
from tests.reports.conftest import make_draft
from victory.accounts import services as account_services
from victory.accounts import tasks as account_tasks
from victory.accounts.models import Role
from victory.core.mail import MailNotSent, mail_failures_hidden, mail_send
from victory.reports import services

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = "victim.secret@refused.example"


class RefusingBackend(locmem.EmailBackend):
    """Delivers to ``mail.outbox``, except to addresses @refused.example: those it
    refuses the way an SMTP server refuses an unknown mailbox."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for message in messages:
            refused = {
                address: (550, f"5.1.1 <{address}>: Recipient address rejected: User unknown".encode())
                for address in message.recipients()
                if address.endswith("@refused.example")
            }
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)


class UnreachableBackend(locmem.EmailBackend):
    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        raise ConnectionRefusedError(111, f"Connection refused while sending to {messages[0].to[0]}")


def _worker_queue() -> override_settings:
    """Tasks into the database table, run by ``db_worker``; mail through RefusingBackend."""
    return override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
        MAILERS={"default": {"BACKEND": f"{__name__}.RefusingBackend"}},
    )


def _run_worker() -> str:
    output = StringIO()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, stdout=output, stderr=output)
    return output.getvalue()


def _task_table() -> str:
    """Every value of every row of the task result table, as text."""
    table = connection.ops.quote_name(DBTaskResult._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a table name, quoted)
        return "\n".join(str(value) for row in cursor.fetchall() for value in row)


def _failed(task_name: str) -> DBTaskResult[Any, Any]:
    (result,) = DBTaskResult.objects.filter(task_path__endswith=task_name)
    assert result.status == "FAILED"
    assert result.exception_class_path == "victory.core.mail.MailNotSent"
    assert "SMTP 550" in result.traceback
    # Not chained: no "During handling of the above exception …" section quoting the original.
    assert "above exception" not in result.traceback
    return result


def _assert_nowhere(address: str, *texts: str) -> None:
    for text in (_task_table(), *texts):
        assert address not in text
        assert address.split("@")[0] not in text


def test_a_refused_reporter_address_is_kept_neither_in_the_task_table_nor_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    organisation = OrganisationFactory(countries=["PT"])
    services.country_intake_set(actor=None, country="PT", organisation=organisation)
    caseworker = MembershipFactory(organisation=organisation, role=Role.CASEWORKER).user
    with _worker_queue(), caplog.at_level(logging.INFO):
        report = services.report_submit(
            draft=make_draft(contact_email=REFUSED, email_updates=True, consents={"contact": True})
        ).report
        services.organisation_message_send(actor=caseworker, report=report, body="We read your report.")
        output = _run_worker()
    _failed("reporter_reply_notify_task")
    assert "MailNotSent" in caplog.text  # the failure is logged, only without the address
    _assert_nowhere(REFUSED, caplog.text, output)


def test_one_refused_caseworker_address_does_not_stop_the_others_being_told(
    caplog: pytest.LogCaptureFixture,
) -> None:
    organisation = OrganisationFactory(countries=["PT"])
    services.country_intake_set(actor=None, country="PT", organisation=organisation)
    told = MembershipFactory(organisation=organisation, role=Role.CASEWORKER).user
    refused = "left.last.year@refused.example"
    MembershipFactory(organisation=organisation, role=Role.CASEWORKER, user__email=refused)
    mail.outbox.clear()
    with _worker_queue(), caplog.at_level(logging.INFO):
        services.report_submit(draft=make_draft())
        output = _run_worker()
    assert [message.to for message in mail.outbox] == [[told.email]]
    assert "1 of 2" in _failed("new_report_notify_task").traceback
    _assert_nowhere(refused, caplog.text, output)


def test_a_refused_welcome_email_leaves_no_address_either(caplog: pytest.LogCaptureFixture) -> None:
    """The accounts e-mails are sent by their services; the tasks hide the failure."""
    organisation = OrganisationFactory()
    newcomer = "new.colleague@refused.example"
    with _worker_queue(), caplog.at_level(logging.INFO):
        account_services.member_add(actor=None, organisation=organisation, email=newcomer, role=Role.CASEWORKER)
        output = _run_worker()
    _failed("password_link_email_task")
    _assert_nowhere(newcomer, caplog.text, output)


@pytest.mark.django_db
def test_a_server_out_of_reach_is_not_sent_with_no_address_and_no_cause() -> None:
    with (
        override_settings(MAILERS={"default": {"BACKEND": f"{__name__}.UnreachableBackend"}}),
        pytest.raises(MailNotSent) as caught,
    ):
        mail_send(subject="New message in VicTory", body="…", to=[REFUSED])
    assert str(caught.value) == "ConnectionRefusedError (errno 111)"
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert REFUSED not in "".join(traceback.format_exception(caught.value))


@pytest.mark.django_db
def test_a_wrapped_sender_fails_the_same_way() -> None:
    @mail_failures_hidden
    def welcome() -> None:
        raise smtplib.SMTPRecipientsRefused({REFUSED: (550, b"user unknown")})

    with pytest.raises(MailNotSent) as caught:
        welcome()
    assert str(caught.value) == "SMTPRecipientsRefused (SMTP 550)"
    formatted = "".join(traceback.format_exception(caught.value))
    assert REFUSED not in formatted
    assert "SMTPRecipientsRefused" in formatted  # only as the name of what happened


def test_every_accounts_task_that_sends_mail_hides_its_failures() -> None:
    """Their services send with ``send_mail`` themselves; a new e-mail task must be wrapped too."""
    hidden = mail_failures_hidden(lambda: None).__code__
    mail_tasks = {
        name: value
        for name, value in vars(account_tasks).items()
        if isinstance(value, Task) and name.endswith(("_email_task", "_notify_task"))
    }
    assert mail_tasks
    for name, value in mail_tasks.items():
        assert value.func.__code__ is hidden, f"{name} is not wrapped in mail_failures_hidden"
