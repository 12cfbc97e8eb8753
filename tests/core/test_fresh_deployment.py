"""A deployment that cannot half-work (issue 9, item 9): on a fresh database, ``migrate``
alone is enough for a professional to log in and for a report to be sent.

The platform runs in its own processes, as an operator starts it, with the production
cache stores (database tables, no Redis), on a new SQLite file or, in the PostgreSQL
pass of the suite, a new database on the same server.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The schema editor of CREATE DATABASE cannot run inside the per-test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

# Run in the platform's own process once ``migrate`` has run there; prints "ok".
SCENARIO = """
import json
import django
django.setup()
from tests.openapi_check import OpenAPIClient
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, current_code
from victory.accounts import services as account_services
from victory.accounts.models import Role
from victory.reports import services as report_services

organisation = OrganisationFactory(countries=["PT"], accepts_public_reports=True)
report_services.country_intake_set(actor=None, country="PT", organisation=organisation)
member = MembershipFactory(organisation=organisation, role=Role.CASEWORKER)
device = account_services.totp_device_create_confirmed(user=member.user)

staff = OpenAPIClient(HTTP_HOST="localhost")
response = staff.post("/en/staff/login/", {"email": member.user.email, "password": PASSWORD})
assert response.status_code == 302, response.status_code
response = staff.post("/en/staff/login/code/", {"code": current_code(device)})
assert response.status_code == 302, response.status_code
assert staff.get(response["Location"]).status_code == 200

report = {
    "narrative": "Two men shouted insults about my headscarf and pushed me at the bus stop.",
    "country": "PT",
    "reporter_role": "victim",
    "bias_motivations": ["anti_muslim"],
    "incident_types": ["violent_attack"],
}
visitor = OpenAPIClient(HTTP_HOST="localhost")
response = visitor.post("/api/v1/reports", data=json.dumps(report), content_type="application/json")
assert response.status_code == 201, response.status_code
for _ in range(2):  # stored in the page table, then answered from it
    assert OpenAPIClient(HTTP_HOST="localhost").get("/en/rights/").status_code == 200
print("ok")
"""


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """The DATABASE_URL of a database nothing has touched."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"victory_fresh_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    parameters = connection.settings_dict
    password = f":{parameters['PASSWORD']}" if parameters.get("PASSWORD") else ""
    try:
        yield (
            f"postgres://{parameters['USER']}{password}@{parameters['HOST'] or '127.0.0.1'}:"
            f"{parameters['PORT'] or 5432}/{name}"
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _platform(arguments: list[str], database_url: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VICTORY_", "DJANGO_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment.update(
        VICTORY_ENV="development",
        VICTORY_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="victory.settings",
    )
    return subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
        [sys.executable, *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_migrate_alone_is_enough_for_a_login_and_a_report(fresh_database: str, tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    migrated = _platform(["manage.py", "migrate", "--no-input", "-v", "0"], fresh_database, var_dir)
    assert migrated.returncode == 0, migrated.stderr
    checked = _platform(["manage.py", "check"], fresh_database, var_dir)
    assert checked.returncode == 0, checked.stderr
    scenario = _platform(["-c", SCENARIO], fresh_database, var_dir)
    assert scenario.returncode == 0, scenario.stderr
    assert scenario.stdout.strip().endswith("ok")
    # Libraries speak at WARNING: a command prints none of their INFO lines.
    for output in (migrated, checked):
        noise = [line for line in output.stderr.splitlines() if re.search(r" INFO (?!victory)", line)]
        assert not noise, noise


def test_check_names_the_command_when_a_cache_table_is_missing(fresh_database: str, tmp_path: Path) -> None:
    """Should the settings name a cache table after ``migrate`` made the others."""
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    assert _platform(["manage.py", "migrate", "--no-input", "-v", "0"], fresh_database, var_dir).returncode == 0
    dropped = _platform(
        [
            "-c",
            "import django; django.setup(); from django.db import connection;"
            " connection.cursor().execute('DROP TABLE victory_page_cache')",
        ],
        fresh_database,
        var_dir,
    )
    assert dropped.returncode == 0, dropped.stderr
    checked = _platform(["manage.py", "check"], fresh_database, var_dir)
    assert checked.returncode != 0
    assert "victory.E003" in checked.stderr
    assert "python manage.py createcachetable" in checked.stderr
