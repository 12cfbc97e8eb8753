"""Create the first platform administrator (``createsuperuser`` does not fit: logins are
found by an encrypted e-mail address). The second factor is set up at the first login."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from victory.accounts import services
from victory.accounts.models import User


class Command(BaseCommand):
    help = "Create a platform administrator; asks for the password twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if User.objects.filter_email(email).exists():
            raise CommandError("An account with this e-mail address already exists.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("The two passwords differ.")
        try:
            validate_password(password)
            user = services.user_create(email=email, password=password, is_platform_admin=True)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Platform administrator {user.email} created."))
        self.stdout.write("Log in at /en/staff/login/ to set up the authenticator app.")
