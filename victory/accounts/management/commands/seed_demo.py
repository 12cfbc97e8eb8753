"""Create the fictional demo world; safe to run again (nothing is duplicated)."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from tqdm import tqdm

from victory.accounts import services
from victory.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_ORGANISATIONS, DEMO_PLATFORM_ADMIN, DEMO_USERS
from victory.accounts.models import AuthenticatorDevice, Membership, Organisation, User
from victory.core.private_files import write_private_file


class Command(BaseCommand):
    help = (
        "Create fictional demo organisations and one user for every role (idempotent). "
        "--credentials FILE writes e-mail, password, TOTP secret (base32), organisation and role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--credentials", type=Path, help="Write the demo logins as JSON to this file.")

    def handle(self, *args: Any, credentials: Path | None = None, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("seed_demo refuses to run with VICTORY_ENV=production: demo logins are public.")
        known_passwords = self._known_passwords(credentials)
        organisations = {demo.slug: self._organisation(demo) for demo in DEMO_ORGANISATIONS}
        people = [(DEMO_PLATFORM_ADMIN, None, "platform_admin"), *DEMO_USERS]
        rows = []
        for local_part, slug, role in tqdm(people, desc="Demo users", unit="user", disable=options["verbosity"] < 1):
            email = f"{local_part}@{DEMO_EMAIL_DOMAIN}"
            organisation = organisations[slug] if slug else None
            password = known_passwords.get(email) or f"demo-{secrets.token_urlsafe(9)}"
            with transaction.atomic():
                user = self._user(email, password, is_platform_admin=role == "platform_admin")
                if (
                    organisation is not None
                    and not Membership.objects.filter(user=user, organisation=organisation, role=role).exists()
                ):
                    services.member_add(actor=None, organisation=organisation, email=email, role=role)
                secret = self._totp_secret(user)
            rows.append(
                {
                    "email": email,
                    "password": password,
                    "totp_secret": secret,
                    "organisation": organisation.name if organisation else None,
                    "role": str(role),
                }
            )
        if credentials:
            self._write(credentials, rows)
            self.stdout.write(f"Demo logins written to {credentials} (fictional people, fictional organisations).")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {len(organisations)} organisations, {len(rows)} users.")
        )

    def _known_passwords(self, credentials: Path | None) -> dict[str, str]:
        """Keep passwords from an earlier run, so a tester's notes stay valid."""
        if not credentials or not credentials.exists():
            return {}
        try:
            return {row["email"]: row["password"] for row in json.loads(credentials.read_text(encoding="utf-8"))}
        except (ValueError, KeyError, TypeError):
            return {}

    def _organisation(self, demo: Any) -> Organisation:
        organisation = Organisation.objects.filter(name=demo.name).first() or services.organisation_create(
            actor=None,
            name=demo.name,
            kind=demo.kind,
            countries=list(demo.countries),
            accepts_public_reports=demo.accepts_public_reports,
            is_fictional=True,
        )
        # Also on an older demo database, whose organisations had no public profile yet.
        return services.organisation_public_profile_set(
            actor=None, organisation=organisation, languages=list(demo.languages), description=demo.description
        )

    def _user(self, email: str, password: str, *, is_platform_admin: bool) -> User:
        user = User.objects.filter_email(email).first()
        if user is None:
            return services.user_create(
                email=email, full_name="Demo person (fictional)", password=password, is_platform_admin=is_platform_admin
            )
        if not user.check_password(password):
            services.user_set_password(actor=None, user=user, password=password)
        return user

    def _totp_secret(self, user: User) -> str:
        """The base32 secret of the user's authenticator, enrolled on the first run."""
        device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = services.totp_device_create_confirmed(user=user)
        return base64.b32encode(device.bin_key).decode().rstrip("=")

    def _write(self, path: Path, rows: list[dict[str, Any]]) -> None:
        content = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
        if path.exists():
            path.write_text(content, encoding="utf-8")
        else:
            write_private_file(path, content)
