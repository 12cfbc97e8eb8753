"""The names of what the platform keeps in a session, in one place, so that two features
never share a key by accident and "Exit this page" or a logout can name everything a
visit leaves behind. The values are stored in live sessions: never change one."""

from __future__ import annotations

# The public report form (reports/views/intake.py). The draft holds {"key", "touched",
# "answers"}; the sent report {"pk", "until"}; the receipt is kept only until the
# confirmation page shows it.
REPORT_DRAFT_KEY = "victory_report_draft"
SENT_REPORT_KEY = "victory_sent_report"
SENT_RECEIPT_KEY = "victory_sent_receipt"
# One notice for the next page of the form. Kept in the session, not the messages
# framework, whose cookie would be one more cookie on a public page.
REPORT_NOTICE_KEY = "victory_report_notice"

# A reporter logged in to the inbox with their receipt (reports/views/inbox.py); the
# acknowledgement PDF reads them too.
REPORTER_SESSION_KEY = "victory_reporter_report"
REPORTER_LAST_SEEN_KEY = "victory_reporter_last_seen"
REPORTER_NOTICE_KEY = "victory_reporter_notice"
REPORTER_KEPT_NOTICE_KEY = "victory_reporter_kept_notice"

# Professionals (accounts): the idle clock, a login between its two steps, backup codes
# shown once.
STAFF_LAST_SEEN_KEY = "victory_last_seen"
PENDING_LOGIN_KEY = "victory_pending_login"
NEW_BACKUP_CODES_KEY = "victory_new_backup_codes"

# Input typed when a session had ended, kept for after the next login (core/kept_input.py).
KEPT_INPUT_KEY = "victory_kept_input"
