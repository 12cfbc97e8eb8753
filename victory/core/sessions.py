"""Session engine (``SESSION_ENGINE = "victory.core.sessions"``): the database backend
storing ``EncryptedSession`` rows, whose data is encrypted with the keyring and whose
key is a digest of the cookie value.

Django's database backend stores the cookie value itself as the primary key, so a copy
of the database (a backup, a dump) is a list of cookies that log in as whoever owns
them. Here the row is found by a keyed digest of the cookie (HMAC under the pepper,
kept outside the database): the cookie never reaches the database, and a stored key
cannot be turned back into one. The session key in memory (``self.session_key``) stays
the cookie value; only what is written to and looked up in the table is the digest.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from victory.core.lookup import lookup_digest

# The column is Django's (40 characters): 40 hex digits of the HMAC (160 bits) fit it.
_STORED_KEY_LENGTH = 40


def stored_session_key(session_key: str) -> str:
    """What the session table holds for a cookie value."""
    return lookup_digest(session_key, purpose="session-cookie")[:_STORED_KEY_LENGTH]


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type:
        from victory.core.models import EncryptedSession

        return EncryptedSession

    def _not_found(self, error: Exception) -> None:
        if isinstance(error, SuspiciousOperation):
            logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
        self._session_key = None

    def _get_session_from_db(self) -> Any:
        if self.session_key is None:
            return None
        try:
            return self.model.objects.get(
                session_key=stored_session_key(self.session_key), expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            self._not_found(error)
            return None

    async def _aget_session_from_db(self) -> Any:
        if self.session_key is None:
            return None
        try:
            return await self.model.objects.aget(
                session_key=stored_session_key(self.session_key), expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            self._not_found(error)
            return None

    def exists(self, session_key: str) -> bool:
        return bool(self.model.objects.filter(session_key=stored_session_key(session_key)).exists())

    async def aexists(self, session_key: str) -> bool:
        return bool(await self.model.objects.filter(session_key=stored_session_key(session_key)).aexists())

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        return self.model(
            session_key=stored_session_key(self._get_or_create_session_key()),  # type: ignore[attr-defined]
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
        )

    async def acreate_model_instance(self, data: dict[str, Any]) -> Any:
        return self.model(
            session_key=stored_session_key(await self._aget_or_create_session_key()),  # type: ignore[attr-defined]
            session_data=self.encode(data),
            expire_date=await self.aget_expiry_date(),
        )

    # save() and asave() are Django's: they write what create_model_instance() built.

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key is None:
            return
        self.model.objects.filter(session_key=stored_session_key(session_key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key is None:
            return
        await self.model.objects.filter(session_key=stored_session_key(session_key)).adelete()
