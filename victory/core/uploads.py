"""Uploads stay in memory, never in a temporary file, within one limit per request.

Django's default handlers spool any request larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE``
to a file in the system's temporary directory, in clear, before a view has looked at
it: evidence of a hate crime would lie readable on disk (and in its free blocks after
deletion) however carefully it is encrypted afterwards. ``MemoryOnlyUploadHandler`` is
the only handler (``FILE_UPLOAD_HANDLERS``): every file of a request is kept in memory
while the request's total stays within ``VICTORY_UPLOAD_MAX_BYTES``; in a larger request
no file is kept at all, but its other fields are (what the person typed), and
``refused_upload_message`` says so in the person's language.
"""

from __future__ import annotations

from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Set on the request when its files were dropped for being too large together.
_REFUSED = "_victory_uploads_refused"


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Each file into a ``BytesIO``; every file skipped once the request is too large."""

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        # Under WSGI the stream stops at Content-Length, so this bounds what is kept.
        self.over_limit = content_length > settings.VICTORY_UPLOAD_MAX_BYTES
        self.received = 0
        if self.over_limit:
            self._refuse()

    def _refuse(self) -> None:
        self.over_limit = True
        if self.request is not None:
            setattr(self.request, _REFUSED, True)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        # A fresh buffer before any SkipFile: on a skip the parser closes ``self.file``,
        # which must not be the buffer of the file completed before this one.
        self.file = BytesIO()
        if self.over_limit:
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        # Counted as well, for servers whose Content-Length can understate the body.
        self.received += len(raw_data)
        if self.received > settings.VICTORY_UPLOAD_MAX_BYTES:
            self._refuse()
            raise SkipFile
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.over_limit:
            return None
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def refused_upload_message(request: HttpRequest) -> str | None:
    """What to tell the person when the files of this request were not kept because they
    were too large together; None when nothing was refused."""
    request.FILES  # noqa: B018  (the upload is parsed on first access)
    if not getattr(request, _REFUSED, False):
        return None
    return _(
        "Together, the files you chose are too large to send at once (more than %(size)s). "
        "None of them was added: add them a few at a time."
    ) % {"size": filesizeformat(settings.VICTORY_UPLOAD_MAX_BYTES)}
