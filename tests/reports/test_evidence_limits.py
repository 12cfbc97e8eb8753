"""Files sent with a message from the reporter's inbox, and through the API (issue 7,
items 3 and 4): the same pixel budget, the same cap per connection, and nothing in clear
on disk, with the typed message kept whenever the files are refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.openapi_check import OpenAPIClient
from tests.reports.test_evidence import (
    DirectoryWatcher,
    pdf,
    png,
    png_bomb,
    small_limits,  # noqa: F401  (a fixture)
    storage_dir,  # noqa: F401  (a fixture)
    temp_dir,  # noqa: F401  (a fixture)
)
from tests.reports.test_inbox_views import inbox_login
from victory.accounts.models import Organisation
from victory.reports.models import Report, ReportEvidence, ReportMessage
from victory.reports.services import SubmittedReport

pytestmark = pytest.mark.django_db

MESSAGE = "They wrote to me again on Sunday; the screenshots are attached."
NOT_SENT = "Your message is not sent yet and is kept below. Choose your files again, then send."


def send_message(client: Client, *files: SimpleUploadedFile, body: str = MESSAGE) -> Any:
    return client.post("/en/inbox/report/message/", {"body": body, "files": list(files)})


@pytest.fixture
def reporter(client: Client, submitted: SubmittedReport, storage_dir: Path) -> Client:  # noqa: F811
    return inbox_login(client, submitted.receipt)


def test_an_image_bomb_in_a_message_is_refused_and_the_message_kept(reporter: Client) -> None:
    response = send_message(reporter, SimpleUploadedFile("huge.png", png_bomb(), "image/png"))

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "“huge.png” is too large a picture for us to check. Send a smaller copy, of at most 50 megapixels: "
        "most phones can share a photo in a smaller size."
    ) in page
    assert NOT_SENT in page
    assert MESSAGE in page
    assert not ReportMessage.objects.exists()
    assert not ReportEvidence.objects.exists()


def test_files_sent_with_messages_count_towards_the_cap_of_the_connection(reporter: Client, settings: Any) -> None:
    settings.VICTORY_EVIDENCE_FILES_PER_HOUR = 3
    first = [SimpleUploadedFile(f"shot{n}.png", png((n, n, n)), "image/png") for n in range(3)]
    assert send_message(reporter, *first).status_code == 302

    response = send_message(reporter, SimpleUploadedFile("shot3.png", png(), "image/png"), body="And one more.")

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Many files were added from this connection in a short time. To protect this service, "
        "wait 60 minutes, then add your files again. What you typed is kept."
    ) in page
    assert "And one more." in page
    assert ReportMessage.objects.count() == 1
    assert ReportEvidence.objects.count() == 3


def test_the_form_and_the_inbox_share_one_cap(
    client: Client, submitted: SubmittedReport, settings: Any, receiving_organisation: Organisation
) -> None:
    from tests.reports.test_evidence import upload
    from tests.reports.test_intake_views import start

    settings.VICTORY_EVIDENCE_FILES_PER_HOUR = 2
    start(client)
    assert upload(client, SimpleUploadedFile("a.png", png(), "image/png")).status_code == 302
    assert upload(client, SimpleUploadedFile("b.png", png((1, 1, 1)), "image/png")).status_code == 302

    inbox = inbox_login(OpenAPIClient(), submitted.receipt)  # the same connection: 127.0.0.1
    page = send_message(inbox, SimpleUploadedFile("c.png", png(), "image/png")).content.decode()
    assert "Many files were added from this connection in a short time." in page


def test_two_large_pdfs_in_a_message_never_touch_the_temporary_directory(
    reporter: Client,
    temp_dir: Path,  # noqa: F811
) -> None:
    files = [SimpleUploadedFile(f"letter-{n}.pdf", pdf(11 * 1024 * 1024), "application/pdf") for n in (1, 2)]
    with DirectoryWatcher(temp_dir) as watcher:
        response = send_message(reporter, *files)

    assert watcher.seen == set()
    assert response.status_code == 302
    assert ReportEvidence.objects.count() == 2


def test_a_message_over_the_total_keeps_what_was_typed_and_nothing_reaches_the_disk(
    reporter: Client,
    temp_dir: Path,  # noqa: F811
    storage_dir: Path,  # noqa: F811
    small_limits: None,  # noqa: F811
) -> None:
    files = [SimpleUploadedFile(f"part-{n}.pdf", pdf(900 * 1024), "application/pdf") for n in (1, 2, 3)]
    with DirectoryWatcher(temp_dir) as watcher:
        response = send_message(reporter, *files)

    assert watcher.seen == set()
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Together, the files you chose are too large to send at once (more than 2.1\u00a0MB). "
        "None of them was added: add them a few at a time."
    ) in page
    assert NOT_SENT in page
    assert MESSAGE in page
    assert not ReportMessage.objects.exists()
    assert not [path for path in storage_dir.rglob("*") if path.is_file()]


def test_the_api_takes_no_files_and_spools_none(
    client: Client,
    receiving_organisation: Organisation,
    temp_dir: Path,  # noqa: F811
) -> None:
    """The API takes JSON only (item 2): a report with files, as a multipart form, is
    refused without its files being read to memory or disk, and no evidence appears."""
    report = {"narrative": "Insults at the bus stop.", "country": "PT", "reporter_role": "victim"}
    files = [SimpleUploadedFile(f"statement-{n}.pdf", pdf(11 * 1024 * 1024), "application/pdf") for n in (1, 2)]
    with DirectoryWatcher(temp_dir) as watcher:
        response = client.post("/api/v1/reports", {"report": json.dumps(report), "evidence": files})

    assert watcher.seen == set()
    assert 400 <= response.status_code < 500
    assert not Report.objects.exists()
    assert not ReportEvidence.objects.exists()


# Measured in a process of its own, so no earlier test's memory hides the growth: the
# largest resident size (ru_maxrss) only grows, and decoding the bomb would add at
# least the 169 MB of its pixels.
MEASURE_THE_BOMB = """
import json, resource, time
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from tests.reports.test_evidence import png_bomb
from victory.reports import services

call_command("migrate", verbosity=0)
bomb = SimpleUploadedFile("huge.png", png_bomb(), "image/png")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
began = time.perf_counter()
try:
    services.evidence_add(upload=bomb, draft_key="a-draft-key-for-the-test")
    outcome = "stored"
except ValidationError as error:
    outcome = error.messages[0]
seconds = time.perf_counter() - began
grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"outcome": outcome, "seconds": seconds, "grew_kib": grew}))
"""


def test_refusing_the_bomb_takes_neither_time_nor_memory(tmp_path: Path) -> None:
    from tests.helpers import manage

    result = manage(
        "shell",
        "-c",
        MEASURE_THE_BOMB,
        env={"VICTORY_VAR_DIR": str(tmp_path), "DATABASE_URL": "sqlite://:memory:"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["outcome"].startswith("“huge.png” is too large a picture for us to check."), measured
    assert measured["seconds"] < 0.2, measured
    assert measured["grew_kib"] < 20 * 1024, measured
