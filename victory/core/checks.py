"""Start-up checks (registered from CoreConfig.ready).

``victory.E001``: encrypted data exists under a key the keyring does not hold.
``victory.E002``: the keyring itself is misconfigured.
``victory.W001``: the database could not be asked which keys hold data.

Registered without tags, so ``runserver``, ``check``, ``migrate`` and most
management commands refuse to run on E001/E002. A missing table (before the
first ``migrate``) is not an error.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from victory.core.keyring import missing_key_ids, missing_keys_error
from victory.settings.env import ConfigError


@register()
def check_keyring_matches_database(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for alias in databases or [DEFAULT_DB_ALIAS]:
        try:
            missing = missing_key_ids(alias)
        except ConfigError as error:
            messages.append(Error(str(error), id="victory.E002"))
            continue
        except DatabaseError as error:
            messages.append(
                CheckWarning(
                    f"Could not check which encryption keys hold data in database {alias!r}: {type(error).__name__}.",
                    hint="The WSGI start-up check will run once the database is reachable.",
                    id="victory.W001",
                )
            )
            continue
        if missing:
            messages.append(
                Error(
                    str(missing_keys_error(missing)),
                    hint="Put the missing key(s) back in VICTORY_KEYS or var/keys (oldest "
                    "first), then run the command again.",
                    id="victory.E001",
                )
            )
    return messages
