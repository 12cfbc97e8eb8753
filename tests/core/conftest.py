"""Fixtures for the field-encryption tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from victory.core.keyring import reset_keyring_cache


@pytest.fixture(autouse=True)
def _fresh_keyring() -> Iterator[None]:
    """Each test reads the keyring and records key uses afresh (rows roll back per test)."""
    reset_keyring_cache()
    yield
    reset_keyring_cache()


@pytest.fixture
def media_root(tmp_path: Path) -> Iterator[Path]:
    """Default file storage in a temporary directory."""
    root = tmp_path / "media"
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    with override_settings(STORAGES=storages):
        yield root


@pytest.fixture
def only_old_key() -> override_settings:
    """``with only_old_key:`` runs as before t2 was added, when t1 alone encrypted."""
    return override_settings(VICTORY_KEYS=settings.VICTORY_KEYS.split(",")[0])
