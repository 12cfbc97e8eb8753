"""Configuration comes from the environment; a wrong value stops start-up and names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import manage, new_key


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://somewhere/victory"),
        ("VICTORY_IDLE_TIMEOUT", "soon"),
        ("VICTORY_ENV", "staging"),
        ("REDIS_URL", "http://localhost:6379"),
        ("VICTORY_DEBUG", "maybe"),
    ],
)
def test_a_wrong_value_stops_start_up_naming_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    result = manage("check", env={"VICTORY_VAR_DIR": str(tmp_path), variable: value})
    assert result.returncode != 0
    assert variable in result.stderr


@pytest.mark.parametrize("missing", ["VICTORY_SECRET_KEY", "VICTORY_PEPPER", "VICTORY_KEYS", "VICTORY_ALLOWED_HOSTS"])
def test_production_refuses_to_invent_secrets_or_hosts(tmp_path: Path, missing: str) -> None:
    env = {
        "VICTORY_VAR_DIR": str(tmp_path),
        "VICTORY_ENV": "production",
        "VICTORY_SECRET_KEY": new_key() + new_key(),
        "VICTORY_PEPPER": new_key() + new_key(),
        "VICTORY_KEYS": f"p1:{new_key()}",
        "VICTORY_ALLOWED_HOSTS": "victory.example.org",
    }
    del env[missing]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert not (tmp_path / "secret_key").exists()
    assert not (tmp_path / "pepper").exists()
    assert not (tmp_path / "keys").exists()


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "VICTORY_VAR_DIR": str(tmp_path),
            "VICTORY_ENV": "production",
            "VICTORY_SECRET_KEY": new_key() + new_key(),
            "VICTORY_PEPPER": new_key() + new_key(),
            "VICTORY_KEYS": f"p1:{new_key()}",
            "VICTORY_ALLOWED_HOSTS": "victory.example.org",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_first_development_run_creates_private_secret_files(tmp_path: Path) -> None:
    result = manage("check", env={"VICTORY_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    for name in ("secret_key", "pepper"):
        secret = tmp_path / name
        assert secret.exists()
        assert secret.stat().st_mode & 0o777 == 0o600


# --- Weak or malformed secrets in production (issue 7, item 10) ---------------------------

WEAK = "short-but-not-empty-secret-31by"  # 31 bytes
assert len(WEAK.encode()) == 31


def _production(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        "VICTORY_VAR_DIR": str(tmp_path),
        "VICTORY_ENV": "production",
        "VICTORY_SECRET_KEY": new_key() + new_key(),
        "VICTORY_PEPPER": new_key() + new_key(),
        "VICTORY_KEYS": f"p1:{new_key()}",
        "VICTORY_ALLOWED_HOSTS": "victory.example.org",
    }
    env.update(overrides)
    return env


# ``check --deploy`` runs the system checks; ``shell`` skips them, as gunicorn does.
START_UPS = [("check", "--deploy"), ("shell", "-c", "import victory.wsgi")]


@pytest.mark.parametrize("start_up", START_UPS, ids=["check-deploy", "wsgi"])
@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("VICTORY_SECRET_KEY", WEAK, "at least 32 bytes"),
        ("VICTORY_PEPPER", WEAK, "at least 32 bytes"),
        ("VICTORY_SECRET_KEY", "a" * 64, "different characters"),
    ],
)
def test_production_refuses_a_weak_secret_naming_it_not_quoting_it(
    tmp_path: Path, start_up: tuple[str, ...], variable: str, value: str, problem: str
) -> None:
    result = manage(*start_up, env=_production(tmp_path, **{variable: value}))
    assert result.returncode != 0
    assert f"{variable}: " in result.stderr
    assert problem in result.stderr
    assert value not in result.stderr + result.stdout


def test_a_weak_secret_in_its_file_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "pepper").write_text(WEAK + "\n")
    env = _production(tmp_path)
    del env["VICTORY_PEPPER"]
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "VICTORY_PEPPER: " in result.stderr
    assert str(tmp_path / "pepper") in result.stderr
    assert WEAK not in result.stderr + result.stdout


@pytest.mark.parametrize("start_up", START_UPS, ids=["check-deploy", "wsgi"])
@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("p1", "not of the form key_id:key"),
        ("p1:{key}", None),  # the valid one, with a second entry that is not
        ("p1:{short}", "32 random bytes"),
        ("p1:{key}*", "not base64url"),
        ("bad id:{key}", "invalid key id"),
    ],
)
def test_production_refuses_a_malformed_keyring_before_the_first_report(
    tmp_path: Path, start_up: tuple[str, ...], entry: str, problem: str | None
) -> None:
    """Before, the keyring was read at the first encryption: the first report gave a 500
    and was lost. Now nothing starts, even on a database with nothing encrypted yet."""
    key = new_key()
    value = entry.format(key=key, short=key[:20])
    if problem is None:
        value, problem = f"{value},p2", "entry 2"
    result = manage(*start_up, env=_production(tmp_path, VICTORY_KEYS=value))
    assert result.returncode != 0
    assert "VICTORY_KEYS" in result.stderr
    assert problem in result.stderr
    assert key[:20] not in result.stderr + result.stdout


def test_a_malformed_key_file_stops_production_too(tmp_path: Path) -> None:
    key = new_key()
    (tmp_path / "keys").write_text(f"p1:{key[:20]}\n")
    (tmp_path / "keys").chmod(0o600)
    env = _production(tmp_path)
    del env["VICTORY_KEYS"]
    result = manage("shell", "-c", "import victory.wsgi", env=env)
    assert result.returncode != 0
    assert "VICTORY_KEYS" in result.stderr
    assert str(tmp_path / "keys") in result.stderr
    assert key[:20] not in result.stderr + result.stdout


def test_good_production_secrets_start(tmp_path: Path) -> None:
    result = manage("shell", "-c", "import victory.wsgi; print('started')", env=_production(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


ZERO_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"  # 32 zero bytes
TEST_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"  # victory/settings/test.py's t1


@pytest.mark.parametrize("key", [ZERO_KEY, TEST_KEY], ids=["zero-bytes", "published-test-key"])
def test_production_refuses_a_key_that_is_not_random(tmp_path: Path, key: str) -> None:
    """Well-formed but worthless: anyone who read the repository, or guessed zeros,
    could decrypt every narrative."""
    result = manage("check", "--deploy", env=_production(tmp_path, VICTORY_KEYS=f"p1:{key}"))
    assert result.returncode != 0
    assert "VICTORY_KEYS: " in result.stderr
    assert "not random" in result.stderr
    assert key not in result.stderr + result.stdout


def test_production_refuses_the_same_value_for_the_pepper_and_the_secret_key(tmp_path: Path) -> None:
    shared = new_key() + new_key()
    result = manage("check", "--deploy", env=_production(tmp_path, VICTORY_SECRET_KEY=shared, VICTORY_PEPPER=shared))
    assert result.returncode != 0
    assert "VICTORY_PEPPER: must differ from VICTORY_SECRET_KEY" in result.stderr
    assert shared not in result.stderr + result.stdout


def test_the_production_settings_module_refuses_to_run_outside_production(tmp_path: Path) -> None:
    """Loaded by name without VICTORY_ENV=production, base.py would not have checked
    the secrets (nor refused to generate them)."""
    env = _production(tmp_path, VICTORY_SECRET_KEY="changeme", VICTORY_PEPPER="changeme")
    del env["VICTORY_ENV"]
    env["DJANGO_SETTINGS_MODULE"] = "victory.settings.production"
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "VICTORY_ENV: must be production" in result.stderr
