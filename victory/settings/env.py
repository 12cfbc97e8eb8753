"""Reading configuration from the environment, failing loudly with the variable's name.

Every setting that can vary between installations comes from an environment
variable read here; a wrong value stops start-up with a message that names it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from victory.core.private_files import write_private_file

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VICTORY_VAR_DIR", BASE_DIR / "var"))


class ConfigError(ImproperlyConfigured):
    """A configuration variable is missing or wrong; the message names it."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is None:
            raise ConfigError(name, "is required but not set.")
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(name, f"must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ConfigError(name, f"must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is None:
            raise ConfigError(name, "is required but not set (a comma-separated list).")
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ConfigError(name, "must list at least one value, separated by commas.")
    return items


# A secret shorter than this can be guessed offline from what it protects (signed
# cookies for SECRET_KEY, stored digests for the pepper).
SECRET_MIN_BYTES = 32
# As Django's own deploy check (security.W009): "aaaa…" is long but not secret.
SECRET_MIN_DISTINCT_CHARACTERS = 5
_HOW_TO_MAKE_ONE = "make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"


def check_secret_strength(name: str, value: str, *, where: str = "the value") -> None:
    """Raise ``ConfigError`` naming ``name`` when ``value`` is too weak to be a secret.

    The message gives the length, never the value: it ends up in logs and terminals.
    """
    size = len(value.encode("utf-8"))
    if size < SECRET_MIN_BYTES:
        raise ConfigError(
            name,
            f"{where} is {size} bytes long; use at least {SECRET_MIN_BYTES} bytes of random text ({_HOW_TO_MAKE_ONE}).",
        )
    if len(set(value)) < SECRET_MIN_DISTINCT_CHARACTERS:
        raise ConfigError(
            name,
            f"{where} has fewer than {SECRET_MIN_DISTINCT_CHARACTERS} different characters; "
            f"use random text ({_HOW_TO_MAKE_ONE}).",
        )


def secret_from_env_or_file(name: str, filename: str, *, generate: bool, strong: bool = False) -> str:
    """The secret in ``name``; else the one in ``var/filename``; else a new one there.

    Generation only happens when ``generate`` is true (development), so a production
    server with a forgotten variable stops instead of inventing a fresh secret. With
    ``strong`` (production), a weak secret from either place stops start-up too.
    """
    value = os.environ.get(name, "").strip()
    if value:
        if strong:
            check_secret_strength(name, value)
        return value
    path = VAR_DIR / filename
    if path.exists():
        content = path.read_text(encoding="utf-8").strip()
        if not content:
            raise ConfigError(name, f"is not set and {path} is empty.")
        if strong:
            check_secret_strength(name, content, where=f"the content of {path}")
        return content
    if not generate:
        raise ConfigError(name, "is required in production but not set.")
    value = secrets.token_urlsafe(50)
    write_private_file(path, value + "\n")
    return value
