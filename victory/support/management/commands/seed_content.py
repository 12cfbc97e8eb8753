"""Load the rights pages and explainers shipped in victory/support/content/*.json
(idempotent: texts already in the database, perhaps edited by an administrator, stay)."""

from typing import Any

from django.core.management.base import BaseCommand

from victory.support.content_services import content_seed


class Command(BaseCommand):
    help = "Load the shipped rights pages and explainers (missing texts only)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = content_seed()
        self.stdout.write(self.style.SUCCESS(f"Content ready: {created} new text(s) loaded."))
