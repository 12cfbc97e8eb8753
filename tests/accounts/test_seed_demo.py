"""The fictional demo world that `make run` loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP

from victory.accounts.models import Membership, Organisation, OrganisationKind, Role, User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_complete_fictional_and_idempotent(tmp_path: Path) -> None:
    credentials = tmp_path / "demo.json"
    call_command("seed_demo", credentials=credentials, verbosity=0)
    first = json.loads(credentials.read_text())
    call_command("seed_demo", credentials=credentials, verbosity=0)
    second = json.loads(credentials.read_text())
    assert first == second  # same passwords and secrets on a second run
    assert Organisation.objects.count() >= 3
    assert User.objects.count() == len(first)

    organisations = Organisation.objects.all()
    assert all(org.is_fictional and "fictional" in org.name for org in organisations)
    assert len({country for org in organisations for country in org.countries}) >= 2
    kinds = {org.kind for org in organisations}
    assert {OrganisationKind.POLICE, OrganisationKind.RESTORATIVE_JUSTICE} <= kinds
    assert {row["role"] for row in first} == {role.value for role in Role} | {"platform_admin"}
    for role in (Role.CASEWORKER, Role.SUPERVISOR):
        assert Membership.objects.filter(role=role).values("organisation").distinct().count() >= 2
    assert all(row["email"].endswith(".example") for row in first)
    assert credentials.stat().st_mode & 0o777 == 0o600


def test_a_demo_caseworker_logs_in_with_the_written_secret(tmp_path: Path, client: Client) -> None:
    import base64

    credentials = tmp_path / "demo.json"
    call_command("seed_demo", credentials=credentials, verbosity=0)
    row = next(r for r in json.loads(credentials.read_text()) if r["role"] == "caseworker")
    response = client.post("/en/staff/login/", {"email": row["email"], "password": row["password"]})
    assert response["Location"] == "/en/staff/login/code/"
    # What an authenticator app would compute from the base32 secret.
    key = base64.b32decode(row["totp_secret"] + "=" * (-len(row["totp_secret"]) % 8))
    code = f"{TOTP(key).token():06d}"
    assert client.post("/en/staff/login/code/", {"code": code}).status_code == 302
    assert row["organisation"] in client.get("/en/staff/").content.decode()
