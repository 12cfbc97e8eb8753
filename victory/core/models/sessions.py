from django.contrib.sessions.base_session import AbstractBaseSession
from django.utils.translation import gettext_lazy as _

from victory.core.fields import EncryptedTextField


class EncryptedSession(AbstractBaseSession):
    """Django's database session, with its data encrypted at rest and its key a digest.

    Sessions hold what a person is typing into a multi-page form before it is sent,
    and who is half-way through a login: a copy of the database must not reveal it.
    ``session_key`` holds a keyed digest of the cookie value, never the cookie itself
    (``victory.core.sessions.stored_session_key``), so a copy holds no usable cookie.
    """

    session_data = EncryptedTextField(_("session data"))

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("session")  # type: ignore[assignment]
        verbose_name_plural = _("sessions")  # type: ignore[assignment]

    @classmethod
    def get_session_store_class(cls) -> type:
        from victory.core.sessions import SessionStore

        return SessionStore
