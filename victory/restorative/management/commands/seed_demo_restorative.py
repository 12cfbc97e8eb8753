"""Fictional demo processes of the restorative programme (see victory.restorative.demo)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from victory.restorative.demo import STEPS


class Command(BaseCommand):
    help = (
        "Seed fictional restorative processes at the demo service: one in preparation, one with an agreement "
        "under follow-up. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        lines: list[str] = []
        for step in tqdm(STEPS, desc="Demo restorative processes", unit="process", disable=options["verbosity"] < 1):
            with transaction.atomic():
                step(lines.append)
        for line in lines:
            self.stdout.write(line)
