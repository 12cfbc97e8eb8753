"""Import the support-service directory from a CSV or JSON file: all of it, or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from victory.support import importing, services


class Command(BaseCommand):
    help = (
        "Import support services from a CSV or JSON file (schema: docs/directory-import.md). Every row is "
        "checked first and each problem printed as 'row N, column X: message'; if there is any, nothing is "
        "imported and the command exits non-zero. Services are created, or updated by slug, in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV or JSON file.")
        parser.add_argument(
            "--format", choices=importing.FORMATS, dest="file_format", help="Default: from the file name."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, but import nothing.")

    def handle(self, *args: Any, file: Path, file_format: str | None, dry_run: bool, **options: Any) -> None:
        file_format = file_format or importing.detect_format(file.name)
        if file_format is None:
            raise CommandError("Say --format csv or --format json: the file name does not end in .csv or .json.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        quiet = options["verbosity"] < 1

        records = importing.read_records(data, file_format=file_format)
        with tqdm(total=len(records.records), desc="Rows checked", unit="row", disable=quiet) as bar:
            parsed = importing.records_validate(records, progress=bar.update)
        if parsed.problems:
            for problem in parsed.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(parsed.problems)} problem(s) in {file}: nothing was imported.")

        try:
            with tqdm(total=len(parsed.rows), desc="Rows written", unit="row", disable=quiet) as bar:
                result = services.services_import(actor=None, rows=parsed.rows, dry_run=dry_run, progress=bar.update)
        except KeyboardInterrupt:
            raise CommandError("Interrupted: nothing was imported.", returncode=130) from None
        verb = "Checked (dry run, nothing imported)" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
