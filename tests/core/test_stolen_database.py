"""Issue 7, item 5: someone holding a copy of the database (a backup, a dump, a stolen
disk) must not get past the second factor or into anyone's session with it.

Each test does what the outside testers did: people log in, then the attacker reads the
raw rows with SQL, as anyone with a copy of the file or a dump can, and tries to use them.
"""

from __future__ import annotations

import base64
import binascii
import re
from contextlib import suppress
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_otp.oath import TOTP, hotp

from tests.conftest import login
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory
from tests.reports.conftest import make_draft
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Role
from victory.reports import services as report_services
from victory.reports.receipts import receipt_format

pytestmark = pytest.mark.django_db

STAFF_PAGES = ("/en/staff/", "/en/staff/reports/")
INBOX_PAGE = "/en/inbox/report/"


def _raw_rows(table: str) -> list[dict[str, Any]]:
    """Every row of a table, read with SQL past the application (as from a dump)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _every_stored_text() -> list[str]:
    return [
        value
        for table in connection.introspection.table_names()
        for row in _raw_rows(table)
        for value in row.values()
        if isinstance(value, str)
    ]


def _device_tables() -> list[str]:
    """The tables of every second-factor device model the platform has."""
    from django_otp import device_classes

    return [model._meta.db_table for model in device_classes()]


def _keys_an_attacker_would_try(value: object) -> list[bytes]:
    """A stored secret as hex (django-otp's format), base32 (an app's), or the bytes
    inside anything that looks like base64 (the last part of a ciphertext)."""
    if not isinstance(value, str) or not value:
        return []
    keys = []
    with suppress(binascii.Error, ValueError):
        keys.append(binascii.unhexlify(value))
    with suppress(binascii.Error, ValueError):
        keys.append(base64.b32decode(value.upper() + "=" * (-len(value) % 8)))
    tail = value.rsplit(":", 1)[-1]
    if re.fullmatch(r"[A-Za-z0-9_-]{16,}", tail):
        keys.append(base64.urlsafe_b64decode(tail + "=" * (-len(tail) % 4)))
    return [key for key in keys if len(key) >= 10]


def _staff_can_enter(client: Client) -> bool:
    return all(client.get(page).status_code == 200 for page in STAFF_PAGES)


@pytest.fixture
def intake_organisation(db: None) -> Any:
    organisation = OrganisationFactory(name="Intake (fictional)", countries=["PT"], accepts_public_reports=True)
    report_services.country_intake_set(actor=None, country="PT", organisation=organisation)
    return organisation


def test_no_stored_session_key_works_as_a_cookie(intake_organisation: Any) -> None:
    professionals = []
    for role in (Role.CASEWORKER, Role.SUPERVISOR, Role.CASEWORKER, Role.ORG_ADMIN):
        membership = MembershipFactory(organisation=intake_organisation, role=role)
        account_services.totp_device_create_confirmed(user=membership.user)
        professionals.append(login(Client(), membership))
    # Someone half-way through a login (password given, code not yet).
    halfway = MembershipFactory(organisation=intake_organisation)
    account_services.totp_device_create_confirmed(user=halfway.user)
    Client().post("/en/staff/login/", {"email": halfway.user.email, "password": PASSWORD})
    reporters = []
    for _ in range(2):
        reporter = Client()
        receipt = report_services.report_submit(draft=make_draft()).receipt
        assert reporter.post("/en/inbox/", {"receipt": receipt_format(receipt)}).status_code == 302
        reporters.append(reporter)

    stolen = [row["session_key"] for row in _raw_rows("core_encryptedsession")]
    assert len(stolen) >= 7

    for key in stolen:
        thief = Client()
        thief.cookies[settings.SESSION_COOKIE_NAME] = key
        for page in (*STAFF_PAGES, INBOX_PAGE):
            assert thief.get(page).status_code != 200, f"a stored session key opened {page}"
    # The owners' own cookies still work: only the copy is useless.
    assert all(_staff_can_enter(client) for client in professionals)
    assert all(reporter.get(INBOX_PAGE).status_code == 200 for reporter in reporters)


def test_totp_seeds_in_the_rows_give_no_code(client: Client, caseworker: Membership) -> None:
    """The attacker also has the password (phished, reused, or cracked from the copy)."""
    from django_otp import devices_for_user

    user = caseworker.user
    rows = [row for table in _device_tables() for row in _raw_rows(table) if row.get("user_id") == user.pk]
    assert rows, "the caseworker's authenticator is in the copy"
    candidates = [key for row in rows for value in row.values() for key in _keys_an_attacker_would_try(value)]

    (device,) = [device for device in devices_for_user(user) if hasattr(device, "bin_key")]
    steps = range(63_000_000, 63_000_003)  # codes of three time steps: a match is no chance
    real = [hotp(device.bin_key, step) for step in steps]
    for key in candidates:
        assert [hotp(key, step) for step in steps] != real, "a stored value is the seed"

    client.post("/en/staff/login/", {"email": user.email, "password": PASSWORD})
    for key in candidates[:3]:  # the throttle slows down after three tries
        client.post("/en/staff/login/code/", {"code": f"{TOTP(key).token():06d}"})
    assert client.get("/en/staff/").status_code == 302

    # What the copy holds is ciphertext under the keyring, kept outside the database.
    from victory.accounts.models import AuthenticatorDevice
    from victory.core import keyring

    (stored,) = [row["key"] for row in _raw_rows(AuthenticatorDevice._meta.db_table) if row["user_id"] == user.pk]
    assert device.key not in stored
    assert keyring.decrypt_text(stored, context="accounts.authenticatordevice.key") == device.key
    # And the person's own app still logs them in.
    login(Client(), caseworker)


def _backup_codes_from_page(client: Client) -> list[str]:
    html = client.get("/en/staff/security/backup-codes/").content.decode()
    block = html.split('class="backup-codes"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li>\s*([^<\s]+)\s*</li>", block)


def test_backup_codes_are_not_in_the_rows_and_work_once(caseworker: Membership) -> None:
    owner = login(Client(), caseworker)
    response = owner.post("/en/staff/security/backup-codes/", {"password": PASSWORD})
    assert response.status_code == 302
    codes = _backup_codes_from_page(owner)
    assert len(codes) == settings.VICTORY_BACKUP_CODE_COUNT

    stored = " ".join(_every_stored_text()).lower()
    for code in codes:
        assert code.lower() not in stored, "a backup code is stored in clear"

    owner.post("/en/staff/logout/")
    attempt = Client()
    attempt.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    assert attempt.post("/en/staff/login/code/", {"code": codes[0]}).status_code == 302
    assert _staff_can_enter(attempt)
    attempt.post("/en/staff/logout/")
    again = Client()
    again.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    response = again.post("/en/staff/login/code/", {"code": codes[0]})
    assert "That code is not right" in response.content.decode()
    assert again.get("/en/staff/").status_code == 302
    # Another code of the set still works, however the person types it.
    assert again.post("/en/staff/login/code/", {"code": f" {codes[1].upper()} "}).status_code == 302
