"""Reporter text cannot turn itself around on a staff page (issue 7, item 11).

Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) make a browser show
text in another order than it was written: ``invoice<U+202E>fdp.exe`` reads as
``invoiceexe.pdf``, and a narrative can hide or reverse what it says. On every staff
page each such character is shown as a visible ``[U+202E]`` instead; what is stored
stays exactly as typed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import login
from tests.factories import MembershipFactory, OrganisationFactory
from tests.reports.conftest import make_draft
from victory.accounts import services as account_services
from victory.accounts.models import Role
from victory.reports import services
from victory.reports.models import Report

pytestmark = pytest.mark.django_db

RLO = "\u202e"
# Embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069.
BIDI_CONTROLS = frozenset(chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def caseworker_client(client: Client) -> Client:
    organisation = OrganisationFactory(countries=["PT"], accepts_public_reports=True)
    services.country_intake_set(actor=None, country="PT", organisation=organisation)
    membership = MembershipFactory(organisation=organisation, role=Role.CASEWORKER)
    account_services.totp_device_create_confirmed(user=membership.user)
    return login(client, membership)


def _controls(text: str) -> list[str]:
    return [f"U+{ord(character):04X}" for character in text if character in BIDI_CONTROLS]


def test_a_narrative_with_a_right_to_left_override_is_shown_neutralised(
    caseworker_client: Client, media_root: Path
) -> None:
    narrative = f"They wrote on my door: {RLO}sdrawkcab siht daer"
    sent = services.report_submit(draft=make_draft(narrative=narrative, contact_email=""))
    services.reporter_message_send(report=sent.report, body=f"More: \u2067hidden\u2069 and {RLO}reversed")
    services.evidence_add(
        upload=SimpleUploadedFile(f"invoice{RLO}fdp.exe.pdf", PDF, content_type="application/pdf"),
        report=sent.report,
    )

    page = caseworker_client.get(f"/en/staff/reports/{sent.report.reference}/").content.decode()

    assert _controls(page) == []
    assert "They wrote on my door: [U+202E]sdrawkcab siht daer" in page
    assert "More: [U+2067]hidden[U+2069] and [U+202E]reversed" in page
    assert "[U+202E]fdp.exe" in page
    # Only what is shown changes: the report keeps the text as the person typed it.
    assert Report.objects.get(pk=sent.report.pk).narrative == narrative


def test_every_override_and_isolate_is_neutralised(caseworker_client: Client) -> None:
    narrative = "start " + "".join(f"{character}x" for character in sorted(BIDI_CONTROLS)) + " end"
    sent = services.report_submit(draft=make_draft(narrative=narrative))
    page = caseworker_client.get(f"/en/staff/reports/{sent.report.reference}/").content.decode()
    assert _controls(page) == []
    for character in BIDI_CONTROLS:
        assert f"[U+{ord(character):04X}]x" in page


def test_marks_that_only_set_direction_are_left_alone(caseworker_client: Client) -> None:
    # Right-to-left and left-to-right marks are how Arabic text is typed; they reorder nothing.
    narrative = "\u0647\u0627\u062c\u0645\u0646\u064a \u200f 2025 \u200e"
    sent = services.report_submit(draft=make_draft(narrative=narrative))
    page = caseworker_client.get(f"/en/staff/reports/{sent.report.reference}/").content.decode()
    assert narrative in page
