"""Files added to a report through the form: checked by content, photos stripped of
their metadata, stored encrypted under a random name, refused files explained."""

from __future__ import annotations

import io
import os
import re
import struct
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from tests.reports.test_intake_views import NARRATIVE, answer, send, start
from victory.accounts.models import Organisation
from victory.reports.models import Report, ReportEvidence
from victory.reports.views.intake import DRAFT, DRAFT_SECONDS

GPS_IFD = 0x8825
ARTIST = 0x013B


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ARTIST] = "Jane Doe"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (52.0, 21.0, 0.0), 3: "E", 4: (21.0, 0.0, 0.0)})
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    data = output.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the test photo does carry GPS
    return data


def png(colour: tuple[int, int, int] = (0, 90, 200)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(output, format="PNG")
    return output.getvalue()


def upload(client: Client, *files: SimpleUploadedFile, action: str = "add") -> Any:
    return client.post("/en/report/files/", {"evidence": list(files), "action": action})


@pytest.fixture
def storage_dir(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


@pytest.fixture
def drafting(client: Client, receiving_organisation: Organisation, storage_dir: Path) -> Client:
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})
    answer(client, "where", {"country": "PT"})
    return client


def test_a_photo_is_stored_without_gps_or_other_metadata(drafting: Client) -> None:
    response = upload(drafting, SimpleUploadedFile("photo.jpg", jpeg_with_gps(), "image/jpeg"))
    assert response.status_code == 302

    evidence = ReportEvidence.objects.get()
    with evidence.file.open("rb") as handle:
        stored = handle.read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (64, 48)
        exif = image.getexif()
        assert GPS_IFD not in exif
        assert not exif.get_ifd(GPS_IFD)
        assert ARTIST not in exif
        assert "exif" not in image.info
    assert b"Jane Doe" not in stored

    send(drafting)
    assert list(Report.objects.get().evidence.all()) == [evidence]


def test_added_files_are_listed_with_a_remove_button(drafting: Client) -> None:
    upload(drafting, SimpleUploadedFile("first.png", png(), "image/png"))
    upload(drafting, SimpleUploadedFile("second.png", png((1, 2, 3)), "image/png"))
    page = drafting.get("/en/report/files/").content.decode()
    first, second = ReportEvidence.objects.order_by("pk")
    assert "first.png" in page and "second.png" in page
    assert f'action="/en/report/files/{first.pk}/remove/"' in page
    assert 'accept="image/*,application/pdf,audio/*,video/*"' in page
    assert "multiple" in page

    response = drafting.post(f"/en/report/files/{first.pk}/remove/")
    assert response["Location"] == "/en/report/files/"
    assert list(ReportEvidence.objects.all()) == [second]
    assert "“first.png” was removed." in drafting.get("/en/report/files/").content.decode()


def test_the_hint_says_which_files_keep_their_hidden_details(drafting: Client) -> None:
    page = drafting.get("/en/report/files/").content.decode()
    assert "Up to 10 files, each smaller than 20 MB." in page
    assert (
        "We remove hidden details from photos, such as where they were taken and with which camera, "
        "before we store them. Videos, sound and PDF files are kept as they are, and may contain such details."
    ) in page
    assert re.search(r'<input type="file"[^>]*aria-describedby="id_evidence_hint"', page)
    assert 'id="id_evidence_hint"' in page


def _let_the_draft_expire(client: Client) -> None:
    session = client.session
    session[DRAFT]["touched"] = time.time() - DRAFT_SECONDS - 1
    session.save()


def test_files_chosen_as_the_answers_expired_are_kept(drafting: Client) -> None:
    _let_the_draft_expire(drafting)
    response = upload(drafting, SimpleUploadedFile("kept.png", png(), "image/png"), action="continue")

    assert response.status_code == 302
    assert response["Location"] == "/en/report/who/"
    notice = drafting.get(response["Location"]).content.decode()
    assert "your earlier answers were cleared after 2 hours without activity" in notice
    assert "We kept the files you chose." in notice
    check = drafting.get("/en/report/check/").content.decode()
    assert "kept.png" in check
    assert NARRATIVE not in check  # the earlier answers are gone, as the notice says
    answer(drafting, "what-happened", {"narrative": NARRATIVE})
    answer(drafting, "where", {"country": "PT"})
    send(drafting)
    assert [e.original_name for e in Report.objects.get().evidence.all()] == ["kept.png"]


def test_with_no_file_chosen_an_expired_draft_gets_the_kind_message(drafting: Client) -> None:
    _let_the_draft_expire(drafting)
    page = upload(drafting, action="continue").content.decode()
    assert "Your answers were cleared" in page
    assert ReportEvidence.objects.count() == 0


def test_another_drafts_file_cannot_be_removed(drafting: Client, client: Client) -> None:
    upload(drafting, SimpleUploadedFile("mine.png", png(), "image/png"))
    evidence = ReportEvidence.objects.get()
    stranger = Client()
    start(stranger)
    stranger.post(f"/en/report/files/{evidence.pk}/remove/")
    assert ReportEvidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.parametrize(
    "content",
    [
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200,
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        b"just some text\n" * 20,
    ],
    ids=["elf", "exe", "text"],
)
def test_a_disguised_file_is_refused_and_nothing_else_is_lost(drafting: Client, content: bytes) -> None:
    upload(drafting, SimpleUploadedFile("kept.png", png(), "image/png"))
    response = upload(drafting, SimpleUploadedFile("photo.jpg", content, "image/jpeg"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_evidence">“photo.jpg” is not a photo, PDF, sound or video file we can accept.</a>' in page
    assert 'aria-invalid="true"' in page
    assert "kept.png" in page  # the file already added is still there
    assert ReportEvidence.objects.count() == 1
    assert NARRATIVE in drafting.get("/en/report/check/").content.decode()


def test_a_file_over_the_size_limit_is_refused(drafting: Client, settings: Any) -> None:
    settings.VICTORY_EVIDENCE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("video.mp4", b"\x00" * (1024 * 1024 + 1), "video/mp4")
    page = upload(drafting, big).content.decode()
    assert "“video.mp4” is larger than 1.0\u00a0MB. Choose a smaller file." in page
    assert ReportEvidence.objects.count() == 0


def test_the_eleventh_file_is_refused(drafting: Client) -> None:
    files = [SimpleUploadedFile(f"photo{i}.png", png((i, i, i)), "image/png") for i in range(10)]
    assert upload(drafting, *files).status_code == 302
    assert ReportEvidence.objects.count() == 10

    page = upload(drafting, SimpleUploadedFile("photo11.png", png(), "image/png")).content.decode()
    assert "You can add up to 10 files." in page
    assert ReportEvidence.objects.count() == 10


def test_nothing_readable_reaches_the_disk(drafting: Client, storage_dir: Path) -> None:
    original = jpeg_with_gps()
    upload(drafting, SimpleUploadedFile("holiday-with-amira.jpg", original, "image/jpeg"))

    stored_files = [path for path in storage_dir.rglob("*") if path.is_file()]
    assert len(stored_files) == 1
    stored = stored_files[0]
    assert "amira" not in str(stored)
    data = stored.read_bytes()
    assert not data.startswith(b"\xff\xd8\xff")
    assert b"\xff\xd8\xff\xe0" not in data and b"\xff\xd8\xff\xe1" not in data
    assert b"JFIF" not in data and b"Exif" not in data
    assert b"holiday-with-amira" not in data
    assert original[:64] not in data


# --- Issue 7, items 3 and 4: image bombs, floods of files, nothing in clear on disk ------


def png_bomb(width: int = 13_000, height: int = 13_000) -> bytes:
    """A valid black-and-white PNG of ``width`` × ``height`` pixels in about 20 KB: the
    rows are all zero, which deflate compresses to almost nothing. Built row by row, so
    making it never holds the decoded picture in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then one bit per pixel
    deflate = zlib.compressobj(9)
    rows = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


BOMB_REFUSED = (
    "“huge.png” is too large a picture for us to check. Send a smaller copy, of at most 50 megapixels: "
    "most phones can share a photo in a smaller size."
)


def test_an_image_bomb_is_refused_at_once_without_being_decoded(drafting: Client) -> None:
    bomb = png_bomb()
    assert len(bomb) < 30_000  # 169 million pixels in a few kilobytes

    began = time.perf_counter()
    response = upload(drafting, SimpleUploadedFile("huge.png", bomb, "image/png"))
    elapsed = time.perf_counter() - began

    assert response.status_code == 200
    assert BOMB_REFUSED in response.content.decode()
    # Decoding it takes seconds and hundreds of megabytes; reading its header, a moment.
    assert elapsed < 0.5, f"the refusal took {elapsed:.2f} s"
    assert ReportEvidence.objects.count() == 0
    assert NARRATIVE in drafting.get("/en/report/check/").content.decode()


def test_a_picture_just_over_the_pixel_budget_is_refused_and_one_within_is_kept(
    drafting: Client, settings: Any
) -> None:
    settings.VICTORY_EVIDENCE_MAX_PIXELS = 2_000_000
    page = upload(drafting, SimpleUploadedFile("huge.png", png_bomb(2_000, 1_001), "image/png")).content.decode()
    assert "“huge.png” is too large a picture for us to check. Send a smaller copy, of at most 2 megapixels" in page
    assert upload(drafting, SimpleUploadedFile("fine.png", png_bomb(2_000, 1_000), "image/png")).status_code == 302
    assert [e.original_name for e in ReportEvidence.objects.all()] == ["fine.png"]


def test_the_refusal_is_in_the_persons_language(drafting: Client) -> None:
    response = drafting.post(
        "/es/report/files/", {"evidence": [SimpleUploadedFile("huge.png", png_bomb(), "image/png")], "action": "add"}
    )
    assert response.status_code == 200
    with translation.override("es"):
        expected = gettext(
            "“%(name)s” is too large a picture for us to check. Send a smaller copy, of at most "
            "%(megapixels)s megapixels: most phones can share a photo in a smaller size."
        ) % {"name": "huge.png", "megapixels": 50}
    assert expected in response.content.decode()


def another_connection(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_files_from_one_connection_are_capped_per_hour(
    drafting: Client, settings: Any, receiving_organisation: Organisation
) -> None:
    settings.VICTORY_EVIDENCE_FILES_PER_HOUR = 3
    for n in range(3):
        assert upload(drafting, SimpleUploadedFile(f"photo{n}.png", png((n, n, n)), "image/png")).status_code == 302

    response = upload(drafting, SimpleUploadedFile("photo3.png", png(), "image/png"))

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Many files were added from this connection in a short time. To protect this service, "
        "wait 60 minutes, then add your files again. What you typed is kept."
    ) in page
    assert ReportEvidence.objects.count() == 3
    assert NARRATIVE in drafting.get("/en/report/check/").content.decode()

    # Someone else, on another connection, is not held back.
    other = another_connection("192.0.2.44")
    start(other)
    assert upload(other, SimpleUploadedFile("theirs.png", png(), "image/png")).status_code == 302


def test_refused_bombs_count_towards_the_cap(drafting: Client, settings: Any) -> None:
    # Each refusal still reads a header: it must not be a free way to keep the server busy.
    settings.VICTORY_EVIDENCE_FILES_PER_HOUR = 2
    bomb = png_bomb()
    for _ in range(2):
        assert BOMB_REFUSED in upload(drafting, SimpleUploadedFile("huge.png", bomb, "image/png")).content.decode()
    page = upload(drafting, SimpleUploadedFile("huge.png", bomb, "image/png")).content.decode()
    assert "Many files were added from this connection in a short time." in page
    assert BOMB_REFUSED not in page


class DirectoryWatcher:
    """Lists, as often as it can while a request runs, every file that appears in a
    directory: a temporary file lives only while the request runs, so looking once
    afterwards would find nothing even on the old code."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.seen.update(entry.name for entry in os.scandir(self.directory))

    def __enter__(self) -> DirectoryWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.seen.update(entry.name for entry in os.scandir(self.directory))


@pytest.fixture
def temp_dir(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where Django (FILE_UPLOAD_TEMP_DIR) and Python (tempfile) would spool an upload."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def pdf(size: int) -> bytes:
    return b"%PDF-1.4\n" + b"0" * (size - 9)


def test_two_large_pdfs_never_touch_the_temporary_directory(drafting: Client, temp_dir: Path) -> None:
    # Together over Django's default in-memory limit, each under the platform's 20 MB.
    files = [SimpleUploadedFile(f"statement-{n}.pdf", pdf(11 * 1024 * 1024), "application/pdf") for n in (1, 2)]
    with DirectoryWatcher(temp_dir) as watcher:
        response = upload(drafting, *files)

    assert watcher.seen == set()
    assert response.status_code == 302
    assert sorted(e.original_name for e in ReportEvidence.objects.all()) == ["statement-1.pdf", "statement-2.pdf"]


@pytest.fixture
def small_limits(settings: Any) -> None:
    """Two files of 1 MB at most, so a request over the total is cheap to build."""
    settings.VICTORY_EVIDENCE_MAX_FILES = 2
    settings.VICTORY_EVIDENCE_MAX_BYTES = 1024 * 1024
    settings.VICTORY_UPLOAD_MAX_BYTES = 2 * 1024 * 1024 + 64 * 1024


TOO_LARGE_TOGETHER = (
    "Together, the files you chose are too large to send at once (more than 2.1\u00a0MB). "
    "None of them was added: add them a few at a time."
)


def test_a_request_over_the_total_is_refused_before_anything_reaches_the_disk(
    drafting: Client, temp_dir: Path, storage_dir: Path, small_limits: None
) -> None:
    files = [SimpleUploadedFile(f"part-{n}.pdf", pdf(900 * 1024), "application/pdf") for n in (1, 2, 3)]
    with DirectoryWatcher(temp_dir) as watcher:
        response = upload(drafting, *files)

    assert watcher.seen == set()
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="#id_evidence">{TOO_LARGE_TOGETHER}</a>' in page
    assert ReportEvidence.objects.count() == 0
    assert not [path for path in storage_dir.rglob("*") if path.is_file()]
    assert NARRATIVE in drafting.get("/en/report/check/").content.decode()
    # Chosen a few at a time, the same files go through.
    again = [SimpleUploadedFile(f"part-{n}.pdf", pdf(900 * 1024), "application/pdf") for n in (1, 2)]
    assert upload(drafting, *again).status_code == 302
    assert ReportEvidence.objects.count() == 2
