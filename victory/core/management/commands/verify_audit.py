"""``manage.py verify_audit``: check the audit chain and name its first broken or missing link."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from victory.core.audit import audit_verify
from victory.core.models import AuditEvent

# Below this the check takes well under a second; a progress bar would only flicker.
PROGRESS_BAR_FROM = 5000


class Command(BaseCommand):
    help = "Verify the hash-chained audit log; exit 1 naming the first broken or missing event."

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        show_progress = total > PROGRESS_BAR_FROM and options["verbosity"] > 0
        with tqdm(total=total, unit="event", file=sys.stderr, disable=not show_progress, leave=False) as bar:
            result = audit_verify(on_progress=bar.update)
        if not result.ok:
            if result.first_problem_sequence is None:
                raise CommandError(f"Audit chain broken: {result.problem}")
            raise CommandError(f"Broken link at event {result.first_problem_sequence}: {result.problem}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} events."))
