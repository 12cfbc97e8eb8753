"""Fictional demo cases across two organisations (see victory.cases.demo)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from victory.cases.demo import demo_cases_seed


class Command(BaseCommand):
    help = "Seed fictional demo cases: one case worked by two organisations with consent. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        demo_cases_seed(say=lambda line: self.stdout.write(line))
