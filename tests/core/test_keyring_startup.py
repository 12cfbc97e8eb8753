"""Reading the keyring, and refusing to start when data exists under a missing key."""

import re
import stat
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from victory.core.checks import check_keyring_matches_database
from victory.core.keyring import (
    assert_keyring_matches_database,
    get_keyring,
    reset_keyring_cache,
)
from victory.core.models import EncryptionKeyUse
from victory.settings.env import ConfigError

pytestmark = pytest.mark.django_db

KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"  # 32 bytes, base64url without padding


def test_the_test_keyring_encrypts_with_its_last_key() -> None:
    ring = get_keyring()
    assert ring.key_ids == ["t1", "t2"]
    assert ring.current_id == "t2"
    assert KEY not in repr(ring)


def test_padding_is_optional() -> None:
    with override_settings(VICTORY_KEYS=f"a:{KEY}=, b:{KEY}"):
        assert get_keyring().key_ids == ["a", "b"]


def test_start_up_refuses_when_data_exists_under_a_missing_key() -> None:
    EncryptionKeyUse.objects.create(key_id="gone1")
    EncryptionKeyUse.objects.create(key_id="t1")
    with pytest.raises(ConfigError, match="gone1") as raised:
        assert_keyring_matches_database()
    assert raised.value.variable == "VICTORY_KEYS"
    assert "t1" not in str(raised.value).split("under key(s)")[1].split("that")[0]
    assert "will not make a new key" in str(raised.value)


def test_system_check_reports_the_missing_key() -> None:
    EncryptionKeyUse.objects.create(key_id="gone1")
    errors = check_keyring_matches_database()
    assert [error.id for error in errors] == ["victory.E001"]
    assert "gone1" in errors[0].msg


def test_start_up_passes_when_every_key_is_held() -> None:
    EncryptionKeyUse.objects.create(key_id="t1")
    assert_keyring_matches_database()
    assert check_keyring_matches_database() == []


def test_start_up_passes_before_the_first_migrate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    with override_settings(VICTORY_KEYS="", VICTORY_KEYS_GENERATE=False):
        assert_keyring_matches_database()  # neither reads nor needs the keyring yet
        assert check_keyring_matches_database() == []


def _keys_settings(path: Path, *, generate: bool) -> override_settings:
    return override_settings(VICTORY_KEYS="", VICTORY_KEYS_FILE=path, VICTORY_KEYS_GENERATE=generate)


def test_development_generates_a_private_key_file(tmp_path: Path) -> None:
    path = tmp_path / "var" / "keys"
    with _keys_settings(path, generate=True):
        key_id = get_keyring().current_id
        assert re.fullmatch(r"[0-9a-f]{8}", key_id)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        reset_keyring_cache()
        assert get_keyring().current_id == key_id  # read back, not made again


def test_no_key_is_generated_when_the_database_holds_encrypted_data(tmp_path: Path) -> None:
    EncryptionKeyUse.objects.create(key_id="lost1")
    path = tmp_path / "keys"
    with _keys_settings(path, generate=True), pytest.raises(ConfigError, match="lost1") as raised:
        get_keyring()
    assert raised.value.variable == "VICTORY_KEYS"
    assert not path.exists()


def test_production_without_keys_says_what_to_do(tmp_path: Path) -> None:
    with _keys_settings(tmp_path / "keys", generate=False), pytest.raises(ConfigError) as raised:
        get_keyring()
    assert raised.value.variable == "VICTORY_KEYS"
    assert "Set VICTORY_KEYS" in str(raised.value)
    assert not (tmp_path / "keys").exists()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (KEY, "not of the form key_id:key"),
        (f"bad id!:{KEY}", "invalid key id"),
        (f"k1:{KEY[:-4]}", "32 random bytes"),
        (f"k1:{KEY[:-1]}*", "not base64url"),
        (f"k1:{KEY},K1:{KEY}", "appears twice"),
    ],
)
def test_a_malformed_keyring_names_the_variable_not_the_key(value: str, problem: str) -> None:
    with override_settings(VICTORY_KEYS=value), pytest.raises(ConfigError, match=problem) as raised:
        get_keyring()
    assert raised.value.variable == "VICTORY_KEYS"
    assert KEY[:20] not in str(raised.value)


def test_a_malformed_key_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text(f"# comment\nk1:{KEY}\nk2:{KEY[:10]}\n")
    path.chmod(0o600)
    with (
        _keys_settings(path, generate=False),
        pytest.raises(ConfigError, match="entry 2") as raised,
    ):
        get_keyring()
    assert str(path) in str(raised.value)
    assert raised.value.variable == "VICTORY_KEYS"


def test_system_check_names_a_malformed_keyring_before_anything_is_encrypted() -> None:
    assert not EncryptionKeyUse.objects.exists()
    with override_settings(VICTORY_KEYS=f"k1:{KEY[:10]}"):
        errors = check_keyring_matches_database()
    assert [error.id for error in errors] == ["victory.E002"]
    assert "VICTORY_KEYS" in errors[0].msg
    assert KEY[:10] not in errors[0].msg
