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
        "VICTORY_SECRET_KEY": "s" * 60,
        "VICTORY_PEPPER": "p" * 60,
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
