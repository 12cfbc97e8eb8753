"""The field-encryption keyring and AES-256-GCM encryption of values at rest.

Owns: reading the keyring (``VICTORY_KEYS``, else the key file, else a new key
file in development), the ciphertext format, recording which key ids hold data
(``EncryptionKeyUse``) and the start-up guard that refuses to run when data
exists under a key the keyring no longer holds.

Ciphertext format
    text:  ``v2:<key_id>:<row>:<base64url(nonce12 || ciphertext+tag)>`` (no padding)
    bytes: ``b"v2:<key_id>:<row>:" + nonce12 + ciphertext+tag`` (files; no base64)
    ``v1`` has no ``<row>`` part: values not tied to a row (standalone fields) and
    values written before rows were bound (``rotate_keys`` rewrites those as v2).

The associated data is a *context* string, for fields
``"<app_label>.<model_name>.<field_name>"``, so a ciphertext copied to another
column does not decrypt; for v2 it also holds the row's primary key, so a
ciphertext moved to another row of the same column is refused as well (the row
in the header is authenticated, and the field checks it against the row it was
read from).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.dispatch import receiver

from victory.core.private_files import write_private_file
from victory.settings.env import ConfigError

VERSION = "v2"  # row-bound; what model fields write
UNBOUND_VERSION = "v1"  # no row: standalone values, and values from before rows were bound
NONCE_SIZE = 12
TAG_SIZE = 16
KEY_SIZE = 32
KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
ROW_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_BASE64URL_RE = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
_KEYRING_SETTINGS = {"VICTORY_KEYS", "VICTORY_KEYS_FILE", "VICTORY_KEYS_GENERATE"}


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong format, unknown key, or tampered."""


@dataclass(frozen=True)
class Keyring:
    """Keys by id, oldest first; the last one encrypts, every one decrypts."""

    keys: Mapping[str, bytes] = field(repr=False)

    @property
    def current_id(self) -> str:
        return next(reversed(self.key_ids))

    @property
    def key_ids(self) -> list[str]:
        return list(self.keys)

    def aead(self, key_id: str) -> AESGCM:
        try:
            return AESGCM(self.keys[key_id])
        except KeyError:
            raise DecryptionError(f"value is encrypted under key {key_id!r}, which the keyring does not hold") from None


# --- Reading the keyring ------------------------------------------------------


def _decode_key(encoded: str, where: str) -> bytes:
    """32 key bytes from base64url (padding optional); errors never quote the key."""
    encoded = encoded.strip()
    if not _BASE64URL_RE.match(encoded):
        raise ConfigError("VICTORY_KEYS", f"{where}: the key is not base64url text.")
    try:
        raw = base64.urlsafe_b64decode(encoded.rstrip("=") + "=" * (-len(encoded.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise ConfigError("VICTORY_KEYS", f"{where}: the key is not valid base64url.") from None
    if len(raw) == KEY_SIZE and getattr(settings, "VICTORY_ENV", "") == "production" and _known_or_weak(raw):
        raise ConfigError(
            "VICTORY_KEYS",
            f"{where}: the key is not random (a published test key, or too few different "
            "bytes); make a new one with secrets.token_bytes(32).",
        )
    if len(raw) != KEY_SIZE:
        raise ConfigError(
            "VICTORY_KEYS",
            f"{where}: the key must be {KEY_SIZE} random bytes, not {len(raw)} "
            '(make one with: python -c "import secrets,base64;'
            'print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())").',
        )
    return raw


# The test settings' two keys are public (victory/settings/test.py): bytes 0-31 and 32-63.
_PUBLISHED_KEYS = frozenset({bytes(range(32)), bytes(range(32, 64))})
# 32 random bytes have about 30 different values; fewer than 16 is no random key.
_MIN_DISTINCT_KEY_BYTES = 16


def _known_or_weak(raw: bytes) -> bool:
    return raw in _PUBLISHED_KEYS or len(set(raw)) < _MIN_DISTINCT_KEY_BYTES


def parse_keyring(entries: list[str], source: str) -> Keyring:
    """A keyring from ``key_id:key`` entries, oldest first; ``source`` names their origin."""
    keys: dict[str, bytes] = {}
    folded: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{source} entry {number}"
        key_id, sep, encoded = entry.strip().partition(":")
        key_id = key_id.strip()
        if not sep:
            raise ConfigError("VICTORY_KEYS", f"{where} is not of the form key_id:key.")
        if not KEY_ID_RE.match(key_id):
            raise ConfigError(
                "VICTORY_KEYS",
                f"{where} has an invalid key id; use 1-32 letters, digits, '-' or '_'.",
            )
        where = f"{where} (key id {key_id!r})"
        # Case-insensitive: SQLite's LIKE (used to skip current values) ignores case.
        if key_id.lower() in folded:
            raise ConfigError("VICTORY_KEYS", f"{where}: the key id appears twice.")
        folded.add(key_id.lower())
        keys[key_id] = _decode_key(encoded, where)
    if not keys:
        raise ConfigError("VICTORY_KEYS", f"{source} holds no key.")
    return Keyring(keys=keys)


def _file_entries(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def _database_key_ids(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Key ids recorded as holding data; empty when the table does not exist yet."""
    from victory.core.models import EncryptionKeyUse

    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if EncryptionKeyUse._meta.db_table not in tables:
        return []
    return sorted(EncryptionKeyUse.objects.using(using).values_list("key_id", flat=True))


def _generate_key_file(path: Path) -> None:
    try:
        existing = _database_key_ids()
    except (DatabaseError, ImproperlyConfigured):
        existing = []  # no reachable database: nothing can be encrypted yet
    if existing:
        raise ConfigError(
            "VICTORY_KEYS",
            f"is not set and {path} does not exist, but the database holds data encrypted "
            f"under key(s) {', '.join(existing)}. Restore the key file or set VICTORY_KEYS; "
            "a new key will not be made, as it could not read that data.",
        )
    key_id = secrets.token_hex(4)
    key = base64.urlsafe_b64encode(secrets.token_bytes(KEY_SIZE)).decode().rstrip("=")
    content = (
        "# VicTory field-encryption keyring: key_id:base64url-key, oldest first, the last\n"
        "# encrypts. Without it the encrypted data cannot be read: back it up, apart from\n"
        "# the database backups.\n"
        f"{key_id}:{key}\n"
    )
    with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
        write_private_file(path, content)


@functools.cache
def get_keyring() -> Keyring:
    """The keyring, read once per process (see ``reset_keyring_cache``)."""
    value = (getattr(settings, "VICTORY_KEYS", "") or "").strip()
    if value:
        return parse_keyring([e for e in value.split(",") if e.strip()], "VICTORY_KEYS")
    path = Path(settings.VICTORY_KEYS_FILE)
    if not path.exists():
        if not settings.VICTORY_KEYS_GENERATE:
            raise ConfigError(
                "VICTORY_KEYS",
                f"is not set and {path} does not exist. Set VICTORY_KEYS to "
                "key_id:base64url-32-byte-key entries (oldest first), or restore the key file; "
                "in production a key is never generated.",
            )
        _generate_key_file(path)
    if os.name == "posix" and path.stat().st_mode & 0o077:
        # Not fatal (ops may manage rights differently) but worth fixing.
        import warnings

        warnings.warn(f"{path} is readable by other users; chmod 600 it.", stacklevel=2)
    return parse_keyring(_file_entries(path), str(path))


def keyring_configured() -> bool:
    """Whether a keyring is given: ``VICTORY_KEYS``, or the key file. Production
    settings refuse to load without one of them."""
    value = (getattr(settings, "VICTORY_KEYS", "") or "").strip()
    return bool(value) or Path(settings.VICTORY_KEYS_FILE).exists()


def keyring_validate() -> None:
    """Read and check the keyring now, raising ``ConfigError`` if it is wrong.

    Called at start-up (``CoreConfig.ready``): the keyring is otherwise read at the
    first encryption, so a malformed entry would surface as a 500 on the first report,
    which is then lost. Nothing is generated here: in development without a key file
    the first encryption still makes one (it needs the database to be safe).
    """
    if keyring_configured():
        get_keyring()


def reset_keyring_cache() -> None:
    """Forget the cached keyring and recorded key uses (tests, settings changes)."""
    get_keyring.cache_clear()
    _recorded_key_ids.clear()
    _pending_key_ids.clear()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: object) -> None:
    if setting in _KEYRING_SETTINGS:
        reset_keyring_cache()


# --- Recording which keys hold data -------------------------------------------

# Key ids whose EncryptionKeyUse row is known to be committed in this database.
_recorded_key_ids: set[str] = set()
# Key ids whose row was created in a transaction not yet known to have committed.
_pending_key_ids: set[str] = set()


def record_key_use(key_id: str) -> None:
    """Make sure ``EncryptionKeyUse`` names ``key_id``, in the caller's transaction.

    The row is written in the same transaction as the data, so it commits or
    rolls back with it; a key id is remembered in-process only once its row is
    known to be committed, so later encryptions cost no query.
    """
    if key_id in _recorded_key_ids:
        return
    from victory.core.models import EncryptionKeyUse

    _use, created = EncryptionKeyUse.objects.get_or_create(key_id=key_id)
    if created or key_id in _pending_key_ids:
        _pending_key_ids.add(key_id)

        def committed() -> None:
            _pending_key_ids.discard(key_id)
            _recorded_key_ids.add(key_id)

        transaction.on_commit(committed)
    else:
        _recorded_key_ids.add(key_id)


# --- Encryption -----------------------------------------------------------------


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    if not _BASE64URL_RE.match(text):
        raise DecryptionError("ciphertext is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("ciphertext is not base64url") from None


def _associated_data(context: str, row: str | None) -> bytes:
    return (context if row is None else f"{context}|row={row}").encode()


def _check_row(row: str | None) -> None:
    if row is not None and not ROW_RE.match(row):
        raise ValueError(f"a row id must be 1-64 letters, digits, '.', '-' or '_', not {row!r}")


def _seal(plaintext: bytes, context: str, row: str | None) -> tuple[str, bytes]:
    _check_row(row)
    keyring = get_keyring()
    key_id = keyring.current_id
    record_key_use(key_id)
    nonce = os.urandom(NONCE_SIZE)
    return key_id, nonce + keyring.aead(key_id).encrypt(nonce, plaintext, _associated_data(context, row))


def _open(key_id: str, sealed: bytes, context: str, row: str | None) -> bytes:
    if len(sealed) < NONCE_SIZE + TAG_SIZE:
        raise DecryptionError("ciphertext is too short")
    aead = get_keyring().aead(key_id)
    try:
        return aead.decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], _associated_data(context, row))
    except InvalidTag:
        raise DecryptionError(
            f"ciphertext does not authenticate under key {key_id!r} for {context!r} "
            "(tampered, or copied from another field)"
        ) from None


def _header(row: str | None, key_id: str) -> str:
    return f"{UNBOUND_VERSION}:{key_id}:" if row is None else f"{VERSION}:{key_id}:{row}:"


def _expect_row(bound: str | None, row: str | None, context: str) -> None:
    """A value bound to one row, read from another, was moved there by someone who
    could write to the database: refuse it rather than show it as this row's."""
    if row is not None and bound is not None and bound != row:
        raise DecryptionError(f"ciphertext for {context!r} belongs to row {bound}, not to row {row}")


@dataclass(frozen=True)
class Header:
    version: str
    key_id: str
    row: str | None
    length: int  # characters (text) or bytes (files) before the sealed part


def parse_header(value: str | bytes) -> Header:
    """The version, key id and row of a stored value (checks only the header)."""
    bound = value[:3] in ("v2:", b"v2:")
    fields = 3 if bound else 2  # v2:<key_id>:<row>: or v1:<key_id>:
    pieces: list[str] | list[bytes] = (
        value[:120].split(":", fields) if isinstance(value, str) else value[:120].split(b":", fields)
    )
    if len(pieces) <= fields:
        raise DecryptionError(f"not an encrypted value (expected {VERSION}:<key_id>:<row>:...)")
    try:
        head = [piece if isinstance(piece, str) else piece.decode("ascii") for piece in pieces[:fields]]
    except UnicodeDecodeError:
        raise DecryptionError("not an encrypted value (bad header)") from None
    length = sum(len(piece) for piece in head) + fields
    if head[0] == UNBOUND_VERSION and KEY_ID_RE.match(head[1]):
        return Header(UNBOUND_VERSION, head[1], None, length)
    if bound and KEY_ID_RE.match(head[1]) and ROW_RE.match(head[2]):
        return Header(VERSION, head[1], head[2], length)
    raise DecryptionError(f"not an encrypted value (expected {VERSION}:<key_id>:<row>:...)")


def encrypt_text(plaintext: str, *, context: str, row: str | None = None) -> str:
    """``plaintext`` under the newest key, bound to ``context`` and, when given, ``row``."""
    key_id, sealed = _seal(plaintext.encode("utf-8"), context, row)
    return f"{_header(row, key_id)}{_b64encode(sealed)}"


def open_text(token: str, *, context: str) -> tuple[str, str | None]:
    """The plaintext of ``token`` and the row it is bound to (None for v1)."""
    header = parse_header(token)
    sealed = _b64decode(token[header.length :])
    try:
        return _open(header.key_id, sealed, context, header.row).decode("utf-8"), header.row
    except UnicodeDecodeError:
        raise DecryptionError("plaintext is not UTF-8") from None


def decrypt_text(token: str, *, context: str, row: str | None = None) -> str:
    """The plaintext of ``token``; raises ``DecryptionError`` rather than guess, also
    when ``row`` is given and the value is bound to another row."""
    plaintext, bound = open_text(token, context=context)
    _expect_row(bound, row, context)
    return plaintext


def encrypt_bytes(plaintext: bytes, *, context: str, row: str | None = None) -> bytes:
    """The header + nonce + ciphertext of ``plaintext``, under the newest key."""
    key_id, sealed = _seal(plaintext, context, row)
    return _header(row, key_id).encode("ascii") + sealed


def decrypt_bytes(blob: bytes, *, context: str, row: str | None = None) -> bytes:
    header = parse_header(blob)
    _expect_row(header.row, row, context)
    return _open(header.key_id, blob[header.length :], context, header.row)


def key_id_of(value: str | bytes) -> str:
    """The key id a stored value is encrypted under (checks only the header)."""
    return parse_header(value).key_id


def is_current(value: str | bytes, key_id: str) -> bool:
    """Under ``key_id`` and bound to its row: nothing for ``rotate_keys`` to do."""
    header = parse_header(value)
    return header.version == VERSION and header.key_id == key_id


# --- Start-up guard -------------------------------------------------------------


def missing_key_ids(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Key ids that hold data in the database but are not in the keyring."""
    used = _database_key_ids(using)
    if not used:
        return []  # nothing encrypted yet: no need to load (or generate) the keyring
    held = set(get_keyring().keys)
    return [key_id for key_id in used if key_id not in held]


def missing_keys_error(missing: list[str]) -> ConfigError:
    return ConfigError(
        "VICTORY_KEYS",
        f"encrypted data exists under key(s) {', '.join(missing)} that the keyring does not "
        "hold; restore the key file or VICTORY_KEYS with those keys. The platform will not "
        "start and will not make a new key.",
    )


def assert_keyring_matches_database() -> None:
    """Raise ``ConfigError`` when data exists under a key the keyring lacks."""
    missing = missing_key_ids()
    if missing:
        raise missing_keys_error(missing)
