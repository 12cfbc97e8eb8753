"""Export the whole support-service directory (draft and published) as CSV or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from victory.support import importing
from victory.support.models import SupportService


class Command(BaseCommand):
    help = (
        "Export every support service to FILE ('-' for standard output) in the import schema "
        "(docs/directory-import.md), so the file can be edited and imported again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Where to write; '-' writes to standard output.")
        parser.add_argument(
            "--format", choices=importing.FORMATS, dest="file_format", help="Default: from the file name."
        )

    def handle(self, *args: Any, file: str, file_format: str | None, **options: Any) -> None:
        file_format = file_format or importing.detect_format(file)
        if file_format is None:
            raise CommandError("Say --format csv or --format json: the file name does not end in .csv or .json.")
        content = importing.services_export(file_format=file_format)
        if file == "-":
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        try:
            Path(file).write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror}") from error
        self.stdout.write(self.style.SUCCESS(f"Exported {SupportService.objects.count()} services to {file}."))
