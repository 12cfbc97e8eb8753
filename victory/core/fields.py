"""Model fields whose values are stored encrypted (AES-256-GCM, see ``victory.core.keyring``).

- ``EncryptedTextField``: a ``str``; ``""`` is stored as ``""`` (an empty value reveals
  nothing and keeps ``blank=True`` defaults cheap), ``None`` as NULL.
- ``EncryptedJSONField``: any JSON value, stored as encrypted
  ``json.dumps(value, sort_keys=True, ensure_ascii=False)``; ``None`` is NULL.
- ``EncryptedFileField``: the file's *contents* are encrypted in storage, under a
  random name (``<uuid>.enc``) so the uploaded name never reaches the disk; keep
  the original name, if needed, in an encrypted field.

The associated data is ``"<app_label>.<model_name>.<field_name>"`` plus the row's
primary key: renaming the model, app or field makes existing values unreadable
unless the field is given ``encryption_context="<the old string>"`` (or the data
is re-encrypted), and a value moved by a database writer into another row (one
report's narrative into another report) is refused when it is read.

Binding to the row needs the primary key before the row is written: for models
with encrypted fields, a new row's automatic key is taken from the table's
sequence just before it is saved (``allocate_primary_key``), so the insert itself
writes bound ciphertext. ``bulk_create`` and ``QuerySet.update`` cannot do that;
they refuse non-empty plaintext (give rows a key first, or save them one by one).

The database cannot compare ciphertexts, so the only lookups are ``isnull`` and
``exact`` against ``""`` (text) or a raw ``Ciphertext`` (used by ``rotate_keys``).
"""

from __future__ import annotations

import json
import os
import uuid
import weakref
from typing import TYPE_CHECKING, Any, Self

from django import forms
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.db import connections, models, router, transaction
from django.db.models.expressions import Combinable
from django.db.models.fields.files import FieldFile
from django.db.models.lookups import Exact, IsNull
from django.db.models.signals import post_init, pre_save

from victory.core import keyring


class Ciphertext(str):
    """A raw stored value: passed to the database as is, neither encrypted nor checked."""


class RowBoundText(str):
    """Decrypted text that remembers the row its ciphertext was bound to (None: v1)."""

    encryption_row: str | None = None


class RowBoundDict(dict[str, Any]):
    encryption_row: str | None = None


class RowBoundList(list[Any]):
    encryption_row: str | None = None


def _remember_row(value: Any, row: str | None) -> Any:
    """``value`` as a type that carries ``row``, so ``_check_rows`` can compare it with
    the row it was read into. JSON scalars (numbers, booleans) cannot carry it; the
    encrypted JSON fields here hold objects and lists."""
    bound: RowBoundText | RowBoundDict | RowBoundList
    if type(value) is str:
        bound = RowBoundText(value)
    elif type(value) is dict:
        bound = RowBoundDict(value)
    elif type(value) is list:
        bound = RowBoundList(value)
    else:
        return value
    bound.encryption_row = row
    return bound


class _ToSeal:
    """A value on its way to the database with the row it belongs to (from ``pre_save``)."""

    __slots__ = ("row", "value")

    def __init__(self, value: Any, row: str) -> None:
        self.value = value
        self.row = row


def row_id(instance: models.Model) -> str:
    if instance.pk is None:
        raise FieldError(
            f"{type(instance).__name__} has encrypted fields, which are bound to the row's primary key: "
            "save it with .save() (which takes a key first) rather than bulk_create()."
        )
    return str(instance.pk)


def allocate_primary_key(instance: models.Model, *, using: str | None = None) -> None:
    """Give a new row its automatic primary key before it is written, from the same
    sequence the database would use, so its ciphertext can be bound to it."""
    meta = instance._meta
    if instance.pk is not None or not isinstance(meta.pk, models.AutoField):  # Big/Small too
        return
    using = using or router.db_for_write(type(instance), instance=instance)
    connection = connections[using]
    table, column = meta.db_table, meta.pk.column
    assert column is not None  # a concrete primary key has a column
    # No savepoint: inside the caller's transaction (an audit event, a service) a failure
    # here fails that transaction anyway, and a savepoint costs two more round trips.
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
            row = cursor.fetchone()
        elif connection.vendor == "sqlite":
            # Django's SQLite tables use AUTOINCREMENT, whose counter is sqlite_sequence;
            # taking the number there keeps the database from handing it out again.
            # The counter row exists once the table has had a row: take the number with one
            # UPDATE. Only the first time is it made from the table's largest key (a scan
            # of the table, which cost a report 50 ms with 100,000 stored).
            bump = "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = %s RETURNING seq"
            cursor.execute(bump, [table])
            row = cursor.fetchone()
            if row is None:
                quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
                cursor.execute(
                    f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, COALESCE(MAX({quoted_column}), 0) "  # noqa: S608
                    f"FROM {quoted_table} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                    [table, table],
                )
                cursor.execute(bump, [table])
                row = cursor.fetchone()
        else:  # pragma: no cover - DESIGN.md: SQLite or PostgreSQL
            raise ImproperlyConfigured(f"row-bound encryption does not know how to number rows on {connection.vendor}")
        instance.pk = row[0]


def _allocate_before_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        allocate_primary_key(instance, using=kwargs.get("using"))


# Per model class, weakly, so models built by migrations go away.
_ENCRYPTED_ATTNAMES: weakref.WeakKeyDictionary[type[models.Model], list[str]] = weakref.WeakKeyDictionary()


def _encrypted_attnames(model: type[models.Model]) -> list[str]:
    names = _ENCRYPTED_ATTNAMES.get(model)
    if names is None:
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if not isinstance(f, models.FileField) and isinstance(f, EncryptedFieldMixin)
        ]
        _ENCRYPTED_ATTNAMES[model] = names
    return names


def _check_rows(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """A row read from the database holds only ciphertext bound to it."""
    pk = instance.__dict__.get(instance._meta.pk.attname)
    if pk is None:
        return
    expected = str(pk)
    for attname in _encrypted_attnames(sender):
        bound = getattr(instance.__dict__.get(attname), "encryption_row", None)
        if bound is not None and bound != expected:
            raise keyring.DecryptionError(
                f"{sender._meta.label}.{attname} of row {expected} holds a value encrypted for row {bound}: "
                "it was moved there by someone writing to the database, and is refused"
            )


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

    def contribute_to_class(self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)  # type: ignore[misc]
        if not cls._meta.abstract:
            # As ImageField does: per model, weakly, so models built by migrations go away.
            pre_save.connect(_allocate_before_save, sender=cls)
            post_init.connect(_check_rows, sender=cls)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)  # type: ignore[misc]
        if value is None or value == "" or isinstance(value, Ciphertext | FieldFile):
            return value
        return _ToSeal(value, row_id(model_instance))

    def _unbound(self, value: Any) -> None:
        """Plaintext with no row (``QuerySet.update``, ``bulk_create`` without keys)."""
        if getattr(self, "model", None) is not None:
            raise FieldError(
                f"{self.model.__name__}.{self.name} is encrypted and bound to its row: set it on an "
                "instance and save() it, rather than with QuerySet.update() or bulk_create()."
            )

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


# Read and set as text, as TextField (the type arguments say so to mypy: set, then get).
class EncryptedTextField(EncryptedFieldMixin, models.TextField[str | Combinable, str]):
    description = "Text stored encrypted (AES-256-GCM)"

    def exact_lookup_allowed(self, value: Any) -> bool:
        return value == "" or super().exact_lookup_allowed(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Ciphertext):
            return str(value)
        row = None
        if isinstance(value, _ToSeal):
            value, row = value.value, value.row
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if row is None:
            self._unbound(value)
        return keyring.encrypt_text(value, context=self.encryption_context(), row=row)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        plaintext, row = keyring.open_text(value, context=self.encryption_context())
        return _remember_row(plaintext, row) if row is not None else plaintext


# Any JSON value in, the same out.
class EncryptedJSONField(EncryptedFieldMixin, models.TextField[Any, Any]):
    description = "JSON value stored encrypted (AES-256-GCM)"

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)  # "" is a JSON value here, not an empty column
        return value if value is None or isinstance(value, Ciphertext) else _ToSeal(value, row_id(model_instance))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Ciphertext):
            return str(value)
        row = None
        if isinstance(value, _ToSeal):
            value, row = value.value, value.row
        if value is None:
            return None
        if row is None:
            self._unbound(value)
        plaintext = json.dumps(value, sort_keys=True, ensure_ascii=False)
        return keyring.encrypt_text(plaintext, context=self.encryption_context(), row=row)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None  # an empty column holds no value
        plaintext, row = keyring.open_text(value, context=self.encryption_context())
        decoded = json.loads(plaintext)
        return _remember_row(decoded, row) if row is not None else decoded

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

    if TYPE_CHECKING:
        # A model row, or anything at all when the field is used standalone (see _row).
        instance: Any

        def __init__(self, instance: Any, field: EncryptedFileField, name: str | None) -> None: ...

        # FieldFile's own, which django-stubs leaves out.
        _committed: bool

        def _require_file(self) -> None: ...

    def _row(self) -> str | None:
        # A file attached to something that is not a model row (standalone use) has no row.
        return row_id(self.instance) if isinstance(self.instance, models.Model) else None

    def _decrypted(self) -> File[Any]:
        assert self.name is not None  # callers checked _require_file()
        with self.storage.open(self.name, "rb") as handle:
            blob = handle.read()
        # Bound to the row: a file name moved to another row's column does not open there.
        plaintext = keyring.decrypt_bytes(blob, context=self.field.encryption_context(), row=self._row())
        return ContentFile(plaintext, name=self.name)

    def _get_file(self) -> File[Any]:
        self._require_file()
        file: File[Any] | None = getattr(self, "_file", None)
        if file is None:
            file = self._file = self._decrypted()
        return file

    def _set_file(self, file: File[Any] | None) -> None:  # as FieldFile's
        self._file = file

    def _del_file(self) -> None:
        del self._file

    file = property(_get_file, _set_file, _del_file)

    # open and save alter data as FieldFile's do (marked so by its AltersData base), so a
    # template never calls them.
    def open(self, mode: str = "rb") -> Self:  # type: ignore[override]  # FieldFile's, as django-stubs has it
        if any(flag in mode for flag in "wa+"):
            raise ValueError("encrypted files are written only through .save()")
        self._require_file()
        file: File[Any] | None = getattr(self, "_file", None)
        if file is None:
            self._file = self._decrypted()
        else:
            file.open(mode)
        return self

    @property
    def size(self) -> int:
        self._require_file()
        if not self._committed or getattr(self, "_file", None) is not None:
            return self._get_file().size
        assert self.name is not None  # _require_file() raises without a name
        with self.storage.open(self.name, "rb") as handle:
            header = keyring.parse_header(handle.read(120))
        return self.storage.size(self.name) - header.length - keyring.NONCE_SIZE - keyring.TAG_SIZE

    def save(self, name: str, content: Any, save: bool = True) -> None:
        if hasattr(content, "open") and getattr(content, "closed", False):
            content.open("rb")
        if hasattr(content, "seek"):
            content.seek(0)
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        if isinstance(self.instance, models.Model):
            allocate_primary_key(self.instance)  # the file is bound to its row, which may be new
        sealed = keyring.encrypt_bytes(data, context=self.field.encryption_context(), row=self._row())
        super().save(name, ContentFile(sealed), save=save)
        self._file = None  # later reads decrypt from storage


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
