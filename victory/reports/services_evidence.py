"""Evidence: files given with a report or a message, checked by their content, photos
cleaned of their metadata, stored encrypted; and the files of a draft never sent."""

from __future__ import annotations

import functools
import io

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from victory.core.audit import audit_record
from victory.core.ratelimit import Throttled, WindowCap

from .models import (
    Report,
    ReportEvidence,
    ReportMessage,
    Sender,
)

# Pillow's own guard, for every picture it opens anywhere in the platform: it warns above
# this many pixels and refuses above twice as many. Evidence is refused above it, with a
# message, by ``_strip_image_metadata``.
Image.MAX_IMAGE_PIXELS = settings.VICTORY_EVIDENCE_MAX_PIXELS

# What a file's content says it is -> accepted. Extensions are never trusted.
IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
OTHER_TYPES = {
    "application/pdf",
    "audio/mpeg",
    "audio/ogg",
    "audio/x-wav",
    "audio/x-flac",
    "audio/mp4",
    "audio/aac",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "video/x-matroska",
    "video/3gpp",
}


def _evidence_client_cap() -> WindowCap:
    """Files one client may add per hour, through the form and the inbox together. Each
    may be a photo to decode, the costliest thing an anonymous visitor can ask for."""
    return WindowCap(scope="evidence-add", limit=settings.VICTORY_EVIDENCE_FILES_PER_HOUR, window_seconds=3600)


def _strip_image_metadata(data: bytes, image_format: str) -> bytes:
    """Re-encode the picture without EXIF (GPS, camera, author), XMP, ICC or comments.
    The orientation is applied first, so the photo still shows the right way up.

    Raises ``Image.DecompressionBombError`` for a picture of more pixels than the budget,
    read from its header before a single pixel is decoded: a PNG of one colour packs
    169 million pixels in 20 KB, and decoding them takes seconds and gigabytes."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if width * height > settings.VICTORY_EVIDENCE_MAX_PIXELS:
            raise Image.DecompressionBombError(f"{width} x {height} pixels")
        image.load()
        clean = ImageOps.exif_transpose(image) if image_format != "GIF" else image.copy()
        if image_format == "JPEG" and clean.mode not in {"RGB", "L"}:
            clean = clean.convert("RGB")
        # Pillow writes only the metadata found in ``info`` or passed to ``save``.
        clean.info = {}
        output = io.BytesIO()
        options = {"quality": 92} if image_format in {"JPEG", "WEBP"} else {}
        clean.save(output, format=image_format, **options)
        return output.getvalue()


def _evidence_check(upload: UploadedFile[bytes], *, already: int, client: str = "") -> tuple[bytes, str]:
    """The file's bytes (a photo's cleaned) and its type, or ValidationError / Throttled.
    Counted against the client's cap once the cheap checks pass, before it is read:
    a refused picture costs a little too, and must not be free to send again and again."""
    name = upload.name or _("file")
    if already >= settings.VICTORY_EVIDENCE_MAX_FILES:
        count = settings.VICTORY_EVIDENCE_MAX_FILES
        raise ValidationError(
            {
                "evidence": [
                    ngettext("You can add up to %(count)s file.", "You can add up to %(count)s files.", count)
                    % {"count": count}
                ]
            }
        )
    if upload.size is None or upload.size > settings.VICTORY_EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {
                "evidence": [
                    _("“%(name)s” is larger than %(size)s. Choose a smaller file.")
                    % {"name": name, "size": filesizeformat(settings.VICTORY_EVIDENCE_MAX_BYTES)}
                ]
            }
        )
    if upload.size == 0:
        raise ValidationError({"evidence": [_("“%(name)s” is empty.") % {"name": name}]})
    if client:
        cap = _evidence_client_cap()
        if not cap.hit(client):
            raise Throttled(cap.window_seconds)
    data = b"".join(upload.chunks())
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else ("application/pdf" if data.startswith(b"%PDF-") else "")
    refused = ValidationError(
        {"evidence": [_("“%(name)s” is not a photo, PDF, sound or video file we can accept.") % {"name": name}]}
    )
    if mime in IMAGE_TYPES:
        try:
            return _strip_image_metadata(data, IMAGE_TYPES[mime]), mime
        except Image.DecompressionBombError:
            megapixels = settings.VICTORY_EVIDENCE_MAX_PIXELS // 1_000_000
            message = _(
                "“%(name)s” is too large a picture for us to check. Send a smaller copy, of at most "
                "%(megapixels)s megapixels: most phones can share a photo in a smaller size."
            ) % {"name": name, "megapixels": megapixels}
            raise ValidationError({"evidence": [message]}) from None
        except (UnidentifiedImageError, OSError, ValueError):
            raise refused from None
    if mime in OTHER_TYPES:
        return data, mime
    raise refused


def evidence_add(
    *,
    upload: UploadedFile[bytes],
    report: Report | None = None,
    draft_key: str = "",
    added_by: str = Sender.REPORTER,
    message: ReportMessage | None = None,
    client: str = "",
) -> ReportEvidence:
    """Check a file by its content, strip a photo's metadata, store it encrypted.
    ``client`` (the request's fingerprint) caps the files one client adds per hour;
    raises ValidationError or Throttled."""
    if report is None and not draft_key:
        raise ValueError("evidence belongs to a report or to a draft")
    already = (
        ReportEvidence.objects.filter(report=report).count()
        if report is not None
        else ReportEvidence.objects.filter(draft_key=draft_key, report__isnull=True).count()
    )
    data, mime = _evidence_check(upload, already=already, client=client)
    return _evidence_store(
        report=report,
        draft_key=draft_key,
        message=message,
        added_by=added_by,
        name=upload.name or "",
        data=data,
        mime=mime,
    )


def _evidence_store(
    *,
    report: Report | None,
    draft_key: str,
    message: ReportMessage | None,
    added_by: str,
    name: str,
    data: bytes,
    mime: str,
) -> ReportEvidence:
    """Store checked (and, for photos, cleaned) bytes encrypted."""
    with transaction.atomic():
        evidence = ReportEvidence(
            report=report,
            draft_key="" if report is not None else draft_key,
            message=message,
            original_name=name[:255],
            content_type=mime,
            size=len(data),
            added_by=added_by,
        )
        evidence.file.save("evidence", ContentFile(data), save=False)
        evidence.save()
        if report is not None:
            audit_record(action="report.evidence_added", organisation=report.organisation, obj=report)
    return evidence


@transaction.atomic
def evidence_discard_draft(*, draft_key: str, evidence_id: int) -> None:
    """Remove a file from a report not yet sent (only from the same draft)."""
    evidence = ReportEvidence.objects.filter(pk=evidence_id, draft_key=draft_key, report__isnull=True).first()
    if evidence is not None:
        name = evidence.file.name
        storage = evidence.file.storage
        evidence.delete()
        if name:
            transaction.on_commit(functools.partial(storage.delete, name))


@transaction.atomic
def draft_discard(*, draft_key: str) -> None:
    """Remove every file of a report not yet sent: the draft is abandoned, has expired,
    or the person used "Exit this page"."""
    for evidence_id in ReportEvidence.objects.filter(draft_key=draft_key, report__isnull=True).values_list(
        "pk", flat=True
    ):
        evidence_discard_draft(draft_key=draft_key, evidence_id=evidence_id)
