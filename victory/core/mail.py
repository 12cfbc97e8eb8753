"""Sending e-mail from the task queue without leaving an address behind.

A refused recipient comes back as ``SMTPRecipientsRefused({address: (550, …)})``, and an
SMTP reply often quotes the address too. Whatever a task raises is kept: its formatted
traceback in the task result table (``django_tasks_db``: ``traceback``) and in the
worker's log. So every task that sends mail sends through ``mail_send``, or runs the code
that does under ``mail_failures_hidden``: both turn a mail failure into ``MailNotSent``,
which names the kind of failure and the SMTP code, never an address or a server's reply,
and is raised without the original attached (no "During handling of …" section).
"""

from __future__ import annotations

import functools
import smtplib
from collections.abc import Callable, Sequence

from django.core.mail import send_mail

MAIL_FAILURES = (smtplib.SMTPException, OSError)  # SMTPException is an OSError; named for the reader


class MailNotSent(Exception):
    """An e-mail could not be sent. The message says how (class and SMTP code) only."""


def _describe(error: BaseException) -> str:
    """What went wrong, without the address or the server's reply (which may quote it)."""
    codes: set[int] = set()
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = {int(code) for code, _reply in error.recipients.values()}
    elif isinstance(error, smtplib.SMTPResponseException):
        codes = {int(error.smtp_code)}
    elif isinstance(error, OSError) and error.errno is not None:
        return f"{type(error).__name__} (errno {error.errno})"
    detail = f" (SMTP {', '.join(map(str, sorted(codes)))})" if codes else ""
    return f"{type(error).__name__}{detail}"


def mail_send(*, subject: str, body: str, to: Sequence[str]) -> None:
    """Send one plain-text e-mail from ``DEFAULT_FROM_EMAIL``; raises ``MailNotSent``."""
    failure = ""
    try:
        send_mail(subject, body, None, list(to))
    except MAIL_FAILURES as error:
        failure = _describe(error)
    # Raised here, outside the except block, so it has no context to chain either.
    if failure:
        raise MailNotSent(failure) from None


def mail_failures_hidden[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """For a task that sends through code of its own (``send_mail`` in a service): a mail
    failure inside it leaves as ``MailNotSent``, like one from ``mail_send``."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        failure = ""
        try:
            return func(*args, **kwargs)
        except MAIL_FAILURES as error:
            failure = _describe(error)
        raise MailNotSent(failure) from None

    return wrapper
