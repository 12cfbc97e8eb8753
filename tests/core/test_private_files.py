"""What the platform writes to disk is readable by its own user only (issue 7, item 4):
the SQLite database with its -wal and -shm files, and every stored file and folder,
created so from the first byte, like the keys; an older, looser database is tightened.

Run as an operator would: ``manage.py`` in a child process with a fresh
``VICTORY_VAR_DIR`` and the usual umask (022), which leaves new files readable by all."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import manage

# Writes one row and one stored file, then reports the rights of everything on disk
# while the database connection is still open (SQLite removes -wal and -shm on close).
WRITE_AND_LOOK = """
import json, os, stat
from pathlib import Path
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from victory.reports import services

evidence = services.evidence_add(
    upload=SimpleUploadedFile("statement.pdf", b"%PDF-1.4\\n" + b"0" * 2000, "application/pdf"),
    draft_key="a-draft-key-for-the-test",
)
database = Path(settings.DATABASES["default"]["NAME"])
media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
stored = Path(evidence.file.path)
paths = {
    "database": database,
    "wal": database.with_name(database.name + "-wal"),
    "shm": database.with_name(database.name + "-shm"),
    "file": stored,
}
folder = stored.parent
while folder != media.parent:
    paths[str(folder.relative_to(media.parent))] = folder
    folder = folder.parent
print(json.dumps({name: oct(stat.S_IMODE(os.stat(path).st_mode)) for name, path in paths.items()}))
"""


def _mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    # The children inherit it: 022 is what a server usually runs with.
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    result = manage("migrate", "--no-input", env={"VICTORY_VAR_DIR": str(tmp_path)}, timeout=300)
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_a_new_database_and_every_stored_file_are_readable_by_their_owner_only(var_dir: Path) -> None:
    assert _mode(var_dir / "victory.sqlite3") == "0o600"

    result = manage("shell", "-c", WRITE_AND_LOOK, env={"VICTORY_VAR_DIR": str(var_dir)})
    assert result.returncode == 0, result.stderr
    modes = json.loads(result.stdout.strip().splitlines()[-1])

    assert modes.pop("database") == "0o600"
    assert modes.pop("wal") == "0o600"
    assert modes.pop("shm") == "0o600"
    assert modes.pop("file") == "0o600"
    # media, media/evidence, media/evidence/<year>, media/evidence/<year>/<month>
    assert len(modes) == 4, modes
    assert set(modes.values()) == {"0o700"}, modes


def test_a_database_left_readable_by_others_is_tightened_at_start(var_dir: Path) -> None:
    database = var_dir / "victory.sqlite3"
    # A live connection in WAL mode, as another process of an older version would hold.
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS note (body TEXT)")
        connection.execute("INSERT INTO note VALUES ('x')")
        connection.commit()
        looser = [database, var_dir / "victory.sqlite3-wal", var_dir / "victory.sqlite3-shm"]
        for path in looser:
            path.chmod(0o644)

        result = manage("check", env={"VICTORY_VAR_DIR": str(var_dir)})

        assert result.returncode == 0, result.stderr
        assert [_mode(path) for path in looser] == ["0o600"] * 3
    finally:
        connection.close()


def test_what_sqlite_deletes_is_overwritten_not_left_in_the_file(tmp_path: Path) -> None:
    """Deleted rows (an ended session's key, a used backup code, an erased report) must
    not stay readable in the free pages of a copy of the database file, whatever the
    SQLite build's default (Debian's overwrites; many builds do not)."""
    import sqlite3

    from django.conf import settings

    init_command = settings.VICTORY_SQLITE_INIT_COMMAND  # also when the suite runs on PostgreSQL
    path = tmp_path / "copy.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA secure_delete=OFF")  # a build that keeps deleted bytes
    connection.executescript(init_command)
    assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)
    connection.execute("CREATE TABLE session (key TEXT)")
    rows = [(f"row-{n}-of-someone-else",) for n in range(50)]
    connection.executemany("INSERT INTO session VALUES (?)", rows)
    connection.execute("INSERT INTO session VALUES ('cookie-value-that-must-go-7f3a9c')")
    connection.executemany("INSERT INTO session VALUES (?)", rows)
    connection.commit()
    connection.execute("DELETE FROM session WHERE key LIKE 'cookie-value-%'")
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    raw = path.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("copy.sqlite3-*"))
    assert b"cookie-value-that-must-go" not in raw
