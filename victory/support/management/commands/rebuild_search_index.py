"""Rebuild the site search's index of pages and services (victory.support.search_services)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from victory.support import search_services


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the published pages and services, one transaction per batch: "
        "if interrupted, the batches done are new, the others keep their old entries, and search keeps working."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=50, help="Pages or services per transaction.")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        quiet = options["verbosity"] < 1
        try:
            with tqdm(total=search_services.search_index_total(), desc="Indexed", unit="item", disable=quiet) as bar:
                count = search_services.search_index_rebuild(batch_size=max(batch_size, 1), progress=bar.update)
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted: the batches done are rebuilt, the others keep their old entries.", returncode=130
            ) from None
        if not quiet:
            self.stdout.write(self.style.SUCCESS(f"Search index ready: {count} entries."))
