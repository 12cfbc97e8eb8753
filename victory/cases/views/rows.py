"""The rows of a list of cases, worked out once in Python.

A list shows 50 cases. Written as template look-ups (``case.get_status_display``,
``case.opened_at|date``, ``{% url %}`` …), each row cost about 40 of them, and the
template took longer than the query under it. Here every label is translated once per
list, each assignee's name is decrypted once per list rather than once per row, and the
table's body is written in one pass of ``str.format`` with every value escaped
(``case_rows_html``): as template tags, 50 rows still cost about 1,400 variable look-ups, a third of the page's time
(issue 10: a list answers in under 50 ms at 1,000,000 cases; ``docs/performance.md``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from victory.core.markup import text

from ..models import Case, CaseStatus, RiskLevel
from ..selectors.case import assignee_names


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


# What case_rows reads of a case (and the keyset orders need: opened_at, id, risk_level,
# next_task_due): the list asks the database for these only.
ROW_COLUMNS = (
    "id",
    "reference",
    "opened_at",
    "status",
    "close_requested_at",
    "language",
    "assigned_to",
    "risk_level",
    "next_task_due",
    "unread_messages",
)


@dataclass(frozen=True, slots=True)
class CaseRow:
    url: str
    reference: str
    opened_iso: str
    opened: str
    status: str
    closing: bool  # a close waits for a supervisor's approval
    language: str
    assignee: str  # "" when nobody is assigned (the intake)
    risk: str
    high_risk: bool
    due_iso: str  # "" when no task is open
    due: str
    unread: int


class _Dates:
    """Each distinct day formatted once (a page often holds several cases of one day)."""

    def __init__(self) -> None:
        self._shown: dict[date, str] = {}

    def short(self, day: date) -> str:
        if day not in self._shown:
            self._shown[day] = date_format(day, "SHORT_DATE_FORMAT")
        return self._shown[day]


def case_rows(cases: Sequence[Case], *, known_names: Mapping[int, str] | None = None) -> list[CaseRow]:
    """The rows for ``cases``, which were read without their assignee: the names come
    from ``known_names`` (people the page has already named) and, for anyone else
    assigned on the page, one query, never a join and a decryption per row."""
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    risks = {value: str(label) for value, label in RiskLevel.choices}
    languages = {code: str(name) for code, name in settings.LANGUAGES}
    names = dict(known_names or {})
    unnamed = {case.assigned_to_id for case in cases if case.assigned_to_id is not None} - names.keys()
    names.update(assignee_names(user_ids=unnamed))
    # One reverse() for the page: a case's address is the list's pattern with its reference.
    placeholder = "CA-PLACEHOLDER"
    address = reverse("cases:detail", args=[placeholder])
    dates = _Dates()
    rows = []
    for case in cases:
        opened = timezone.localtime(case.opened_at)
        rows.append(
            CaseRow(
                url=address.replace(placeholder, case.reference),
                reference=case.reference,
                opened_iso=opened.isoformat(),
                opened=dates.short(opened.date()),
                status=statuses.get(case.status, case.status),
                closing=case.close_requested_at is not None,
                language=languages.get(case.language, case.language),
                assignee=names.get(case.assigned_to_id, "") if case.assigned_to_id is not None else "",
                risk=risks.get(case.risk_level, case.risk_level),
                high_risk=case.risk_level == RiskLevel.HIGH,
                due_iso=case.next_task_due.isoformat() if case.next_task_due else "",
                due=dates.short(case.next_task_due) if case.next_task_due else "",
                unread=case.unread_messages,
            )
        )
    return rows


# One row of the table in _case_rows.html: the header cells' labels repeat as each cell's
# data-label (the narrow-screen layout shows them beside the value). Every value is
# escaped (victory.core.markup.text) before it goes in; only the markup below is trusted.
_ROW = (
    '<tr><th scope="row" data-label="{reference_label}"><a href="{url}" class="reference">{reference}</a></th>'
    '<td data-label="{opened_label}"><time datetime="{opened_iso}">{opened}</time></td>'
    '<td data-label="{status_label}">{status}{closing}</td>'
    '<td data-label="{language_label}">{language}</td>'
    '<td data-label="{assigned_label}">{assignee}</td>'
    '<td data-label="{risk_label}">{risk}</td>'
    '<td data-label="{due_label}">{due}</td>'
    '<td data-label="{unread_label}">{unread}</td></tr>\n'
)


_LABEL = re.compile(r"\{(\w+_label)\}")


def case_rows_html(rows: Sequence[CaseRow]) -> SafeString:
    """The table body for ``rows``, labels translated once (the same words as the
    table's header cells in _case_rows.html)."""
    labels = {
        "reference_label": gettext("Reference"),
        "opened_label": gettext("Opened"),
        "status_label": gettext("Status"),
        "language_label": gettext("Language"),
        "assigned_label": gettext("Assigned to"),
        "risk_label": gettext("Risk"),
        "due_label": gettext("Next task due"),
        "unread_label": gettext("Unread messages"),
    }
    # The labels go into the page's row pattern once, escaped, with any brace in a
    # translation doubled so str.format reads it as text, and in one pass, so a
    # translation that reads "{status_label}" is not replaced by the next label. Each
    # row then formats only its own values (format_html would cost twice the whole
    # table: its lazy-string check runs for each of the page's ~500 values).
    row_pattern = _LABEL.sub(lambda found: text(labels[found[1]]).replace("{", "{{").replace("}", "}}"), _ROW)
    # gettext outside the f-strings: makemessages does not look inside them.
    closing_label, nobody_label = gettext("closing to approve"), gettext("Nobody (intake)")
    closing = f' <span class="tag">{text(closing_label)}</span>'
    nobody = f'<span class="hint">{text(nobody_label)}</span>'
    written = "".join(
        row_pattern.format(
            url=text(row.url),
            reference=text(row.reference),
            opened_iso=text(row.opened_iso),
            opened=text(row.opened),
            status=text(row.status),
            closing=closing if row.closing else "",
            language=text(row.language),
            assignee=text(row.assignee) if row.assignee else nobody,
            risk=f"<strong>{text(row.risk)}</strong>" if row.high_risk else text(row.risk),
            due=f'<time datetime="{text(row.due_iso)}">{text(row.due)}</time>' if row.due else "–",
            unread=f"<strong>{row.unread:d}</strong>" if row.unread else "0",
        )
        for row in rows
    )
    # Every value was escaped above: the whole body is safe.
    return mark_safe(written)  # noqa: S308
