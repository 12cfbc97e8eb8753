"""Session engine (``SESSION_ENGINE = "victory.core.sessions"``): the database backend
storing ``EncryptedSession`` rows, whose data is encrypted with the keyring."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type:
        from victory.core.models import EncryptedSession

        return EncryptedSession
