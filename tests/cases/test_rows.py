"""victory.cases.views.rows: a list's table body written in Python."""

from __future__ import annotations

import pytest

from victory.cases.views import rows as rows_module
from victory.cases.views.rows import CaseRow, case_rows_html

ROW = CaseRow(
    url="/en/staff/cases/CA-A/",
    reference='CA-{0}"<',
    opened_iso="2026-01-01",
    opened="01/01/2026",
    status="New",
    closing=False,
    language="Basque",
    assignee='Ann {url} "<b>"',
    risk="High",
    high_risk=True,
    due_iso="",
    due="",
    unread=2,
)


def test_values_with_braces_and_markup_stay_text() -> None:
    html = case_rows_html([ROW])
    assert "CA-{0}&quot;&lt;" in html and "Ann {url} &quot;&lt;b&gt;&quot;" in html


def test_a_translation_that_reads_like_another_label_stays_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """A translator's "Ref. {status_label}" is shown as written: labels go into the row
    pattern in one pass (one after another, the next label replaced it, and a label
    such as "url" then put the case's address in its place, or broke the list)."""
    translations = {"Reference": "Ref. {status_label}", "Status": "url"}
    monkeypatch.setattr(rows_module, "gettext", lambda message: translations.get(message, message))
    html = case_rows_html([ROW])
    assert 'data-label="Ref. {status_label}"' in html and 'data-label="url">New' in html
