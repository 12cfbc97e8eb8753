"""Model fields whose values are stored encrypted (AES-256-GCM, see ``victory.core.keyring``).

- ``EncryptedTextField``: a ``str``; ``""`` is stored as ``""`` (an empty value reveals
  nothing and keeps ``blank=True`` defaults cheap), ``None`` as NULL.
- ``EncryptedJSONField``: any JSON value, stored as encrypted
  ``json.dumps(value, sort_keys=True, ensure_ascii=False)``; ``None`` is NULL.
- ``EncryptedFileField``: the file's *contents* are encrypted in storage, under a
  random name (``<uuid>.enc``) so the uploaded name never reaches the disk; keep
  the original name, if needed, in an encrypted field.

The associated data is ``"<app_label>.<model_name>.<field_name>"``: renaming the
model, app or field makes existing values unreadable unless the field is given
``encryption_context="<the old string>"`` (or the data is re-encrypted).

The database cannot compare ciphertexts, so the only lookups are ``isnull`` and
``exact`` against ``""`` (text) or a raw ``Ciphertext`` (used by ``rotate_keys``).
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from django import forms
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.lookups import Exact, IsNull

from victory.core import keyring


class Ciphertext(str):
    """A raw stored value: passed to the database as is, neither encrypted nor checked."""


class EncryptedExact(Exact):
    """``exact`` only where it can mean something on ciphertext."""

    def get_prep_lookup(self) -> Any:
        field = self.lhs.output_field
        if not field.exact_lookup_allowed(self.rhs):
            raise FieldError(
                f"{field.model.__name__}.{field.name} is encrypted: the database cannot compare "
                "its values, so it can only be filtered with isnull or = '' (empty). Load the "
                "rows and compare in Python, or keep a separate non-identifying field to filter on."
            )
        return super().get_prep_lookup()


class EncryptedFieldMixin:
    """Shared by the encrypted fields: the context (associated data) and the lookup guard."""

    name: str
    model: type[models.Model]

    def __init__(self, *args: Any, encryption_context: str | None = None, **kwargs: Any) -> None:
        self._encryption_context = encryption_context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        if self._encryption_context is not None:
            kwargs["encryption_context"] = self._encryption_context
        return name, path, args, kwargs

    def encryption_context(self) -> str:
        if self._encryption_context is not None:
            return self._encryption_context
        model = getattr(self, "model", None)
        if model is None:
            raise ImproperlyConfigured(
                f"encrypted field {self.name!r} is not attached to a model; "
                "pass encryption_context= to use it standalone."
            )
        return f"{model._meta.app_label}.{model._meta.model_name}.{self.name}"

    def exact_lookup_allowed(self, value: Any) -> bool:
        return isinstance(value, Ciphertext)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        model = getattr(self, "model", None)
        where = f"{model.__name__}.{self.name}" if model else self.name
        raise FieldError(
            f"Lookup {lookup_name!r} is not possible on {where}: the field is stored encrypted, "
            "so the database cannot search or compare it. Only isnull and = '' work."
        )


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    description = "Text stored encrypted (AES-256-GCM)"

    def exact_lookup_allowed(self, value: Any) -> bool:
        return value == "" or super().exact_lookup_allowed(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Ciphertext):
            return str(value)
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return keyring.encrypt_text(value, context=self.encryption_context())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return keyring.decrypt_text(value, context=self.encryption_context())


class EncryptedJSONField(EncryptedFieldMixin, models.TextField):
    description = "JSON value stored encrypted (AES-256-GCM)"

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Ciphertext):
            return str(value)
        if value is None:
            return None
        plaintext = json.dumps(value, sort_keys=True, ensure_ascii=False)
        return keyring.encrypt_text(plaintext, context=self.encryption_context())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None  # an empty column holds no value
        return json.loads(keyring.decrypt_text(value, context=self.encryption_context()))

    def to_python(self, value: Any) -> Any:
        return value  # already a Python value (as for models.JSONField)

    def value_to_string(self, obj: models.Model) -> Any:
        return self.value_from_object(obj)  # serializers keep the structure

    def formfield(self, **kwargs: Any) -> Any:
        return models.Field.formfield(self, **{"form_class": forms.JSONField, **kwargs})


class EncryptedFieldFile(FieldFile):
    """A stored file whose bytes on disk are ciphertext; reading gives the plaintext."""

    field: EncryptedFileField
    _file: File[Any] | None

    def _decrypted(self) -> File[Any]:
        assert self.name is not None  # callers checked _require_file()
        with self.storage.open(self.name, "rb") as handle:
            blob = handle.read()
        plaintext = keyring.decrypt_bytes(blob, context=self.field.encryption_context())
        return ContentFile(plaintext, name=self.name)

    def _get_file(self) -> File[Any]:
        self._require_file()  # type: ignore[attr-defined]
        file: File[Any] | None = getattr(self, "_file", None)
        if file is None:
            file = self._file = self._decrypted()
        return file

    file = property(_get_file, FieldFile._set_file, FieldFile._del_file)  # type: ignore[attr-defined]

    def open(self, mode: str = "rb") -> EncryptedFieldFile:  # type: ignore[override]  # as FieldFile.open
        if any(flag in mode for flag in "wa+"):
            raise ValueError("encrypted files are written only through .save()")
        self._require_file()  # type: ignore[attr-defined]
        file: File[Any] | None = getattr(self, "_file", None)
        if file is None:
            self._file = self._decrypted()
        else:
            file.open(mode)
        return self

    open.alters_data = True  # type: ignore[attr-defined]

    @property
    def size(self) -> int:
        self._require_file()  # type: ignore[attr-defined]
        if not self._committed or getattr(self, "_file", None) is not None:  # type: ignore[attr-defined]
            return self.file.size
        assert self.name is not None  # _require_file() raises without a name
        with self.storage.open(self.name, "rb") as handle:
            header = keyring.bytes_header(keyring.key_id_of(handle.read(80)))
        return self.storage.size(self.name) - len(header) - keyring.NONCE_SIZE - keyring.TAG_SIZE

    def save(self, name: str, content: Any, save: bool = True) -> None:
        if hasattr(content, "open") and getattr(content, "closed", False):
            content.open("rb")
        if hasattr(content, "seek"):
            content.seek(0)
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        sealed = keyring.encrypt_bytes(data, context=self.field.encryption_context())
        super().save(name, ContentFile(sealed), save=save)
        self._file = None  # later reads decrypt from storage

    save.alters_data = True  # type: ignore[attr-defined]


class EncryptedFileField(EncryptedFieldMixin, models.FileField):
    """A file field whose stored contents are encrypted and whose stored name is random."""

    attr_class = EncryptedFieldFile
    description = "File stored encrypted (AES-256-GCM)"

    def get_lookup(self, lookup_name: str) -> Any:
        # Names are random and not secret: every lookup on them is harmless.
        return models.FileField.get_lookup(self, lookup_name)

    def generate_filename(self, instance: models.Model, filename: str | os.PathLike[str]) -> str:
        # The uploaded name may identify someone: only a random one reaches storage.
        return super().generate_filename(instance, f"{uuid.uuid4().hex}.enc")
