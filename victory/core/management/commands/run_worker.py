"""The background worker plus the scheduler, in one process (``make worker``)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from victory.core.schedule import schedule_enqueue_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the task worker (database or Redis, as configured) and enqueue scheduled jobs when due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tick", type=int, default=30, help="Seconds between schedule checks.")

    def handle(self, *args: Any, tick: int, **options: Any) -> None:
        stop = threading.Event()

        def scheduler() -> None:
            while not stop.is_set():
                try:
                    for name in schedule_enqueue_due():
                        self.stdout.write(f"scheduled: {name}")
                except Exception:  # a database hiccup must not end the scheduler for good
                    logger.exception("The scheduler could not enqueue due jobs; trying again in %s s", tick)
                finally:
                    close_old_connections()
                stop.wait(tick)

        thread = threading.Thread(target=scheduler, name="victory-scheduler", daemon=True)
        thread.start()
        try:
            if str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_rq"):
                call_command("rqworker", "default", job_class="django_tasks_rq.Job", with_scheduler=True)
            else:
                call_command("db_worker")
        finally:
            stop.set()
