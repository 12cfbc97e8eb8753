"""``manage.py refresh_public_pages``: every cached public page is built afresh on its next
visit, in every app server.

The platform's own edits do this by themselves. This is for changes that bypass them: a
data migration, a fix written straight into the database (a wrong phone number in the
directory), or a restore from a backup. Browsers may keep a page they already have for
up to ``PUBLIC_CACHE_SECONDS``; app servers hold the old version for at most a second."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from victory.core.cache import PUBLIC_CACHE_SECONDS, public_content_changed, public_content_version


class Command(BaseCommand):
    help = "Make every app server build each cached public page afresh on its next visit."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            public_content_changed()
        self.stdout.write(
            f"Public pages refreshed (content version {public_content_version()}); "
            f"browsers may keep a page they already have for up to {PUBLIC_CACHE_SECONDS // 60} minutes."
        )
