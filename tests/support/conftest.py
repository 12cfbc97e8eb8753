"""Fixtures for the directory's import, export and admin: a platform administrator, and
file rows that tests change one cell at a time."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from tests.conftest import login
from tests.factories import PASSWORD
from victory.accounts import services as account_services
from victory.accounts.models import User


@pytest.fixture
def platform_admin(db: None) -> User:
    user = account_services.user_create(
        email="directory.admin@test.victory.example", password=PASSWORD, is_platform_admin=True
    )
    account_services.totp_device_create_confirmed(user=user)
    return user


@pytest.fixture
def admin_client(client: Client, platform_admin: User) -> Client:
    return login(client, platform_admin)


def service_row(slug: str = "lisbon-support", **overrides: Any) -> dict[str, Any]:
    """One valid row as a CSV would hold it (lists separated by ';')."""
    row: dict[str, Any] = {
        "slug": slug,
        # Another slug is another service, so it gets its own name (same name,
        # organisation and country under two slugs is refused as a duplicate).
        "name": "Lisbon support (fictional)" if slug == "lisbon-support" else f"Lisbon support {slug} (fictional)",
        "organisation_name": "Apoio Teste (fictional)",
        "country": "PT",
        "region": "Lisboa",
        "offers": "emotional;legal",
        "groups": "racism_xenophobia;anti_muslim",
        "languages": "pt;en;ar",
        "channels": "email;in_person",
        "phone": "",
        "email": "lisbon@test.victory.example",
        "website": "https://test.victory.example/lisbon",
        "address": "",
        "is_free": "yes",
        "accepts_reports_via_victory": "no",
        "status": "published",
        "last_reviewed_on": "2026-01-15",
        "description_en": "Someone listens and explains your rights.",
        "description_pt": "Alguém ouve e explica os seus direitos.",
        "opening_hours_pt": "Dias úteis, 9–18",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict[str, Any]], *, columns: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    columns = columns or list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def json_item(slug: str = "lisbon-support", **overrides: Any) -> dict[str, Any]:
    """One valid service as a JSON file holds it."""
    item: dict[str, Any] = {
        "slug": slug,
        "name": "Lisbon support (fictional)" if slug == "lisbon-support" else f"Lisbon support {slug} (fictional)",
        "organisation_name": "Apoio Teste (fictional)",
        "country": "PT",
        "offers": ["emotional"],
        "groups": [],
        "languages": ["pt"],
        "channels": ["email"],
        "is_free": True,
        "status": "draft",
        "translations": {"en": {"description": "Someone listens."}},
    }
    item.update(overrides)
    return item


def json_bytes(items: object) -> bytes:
    return json.dumps(items, ensure_ascii=False).encode("utf-8")
