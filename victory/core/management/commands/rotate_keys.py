"""Re-encrypt every encrypted value and file under the newest key of the keyring."""

from __future__ import annotations

import functools
import posixpath
import sys
import uuid
from collections.abc import Iterator
from typing import Any, cast

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, router, transaction
from django.db.models import ExpressionWrapper, F
from tqdm import tqdm

from victory.core import keyring
from victory.core.fields import (
    Ciphertext,
    EncryptedFieldMixin,
    EncryptedFileField,
)
from victory.core.models import EncryptionKeyUse

HELP = """Re-encrypt every encrypted field value and file under the newest key.

Values written before rows were bound (format v1) are bound to their row's
primary key on the way (v2), so run it once after upgrading even without a new
key. Values already under the newest key and bound are skipped, and each batch is its own
transaction, so the command can be interrupted (Ctrl-C) at any point and run
again. To retire a key:

  1. add a new key at the END of VICTORY_KEYS (or var/keys) and restart every
     server and worker, so that all of them encrypt with it;
  2. run `manage.py rotate_keys` (use --dry-run first to see how much will change);
  3. when it reports that no data is left under older keys, remove the old key
     from VICTORY_KEYS / var/keys and restart.

Files are re-encrypted into new random names; the old file is deleted once the
row points at the new one.
"""


def encrypted_fields() -> Iterator[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, field) with an encrypted column, each column once."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedFieldMixin):
                yield model, field


def field_label(model: type[models.Model], field: models.Field[Any, Any]) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def reencrypt_text(token: str, *, context: str, row: str) -> str:
    """``token`` under the newest key and bound to ``row`` (the JSON field's plaintext is
    JSON text too). A value bound to another row is refused, never re-bound here."""
    plaintext = keyring.decrypt_text(token, context=context, row=row)
    return keyring.encrypt_text(plaintext, context=context, row=row)


def reencrypt_bytes(blob: bytes, *, context: str, row: str) -> bytes:
    return keyring.encrypt_bytes(keyring.decrypt_bytes(blob, context=context, row=row), context=context, row=row)


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be re-encrypted; change nothing.",
        )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from argparse import RawDescriptionHelpFormatter

        return super().create_parser(prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs)

    def handle(self, *args: Any, batch_size: int, dry_run: bool, **options: Any) -> None:
        if batch_size < 1:
            batch_size = 1
        ring = keyring.get_keyring()
        self.newest = ring.current_id
        self.batch_size = batch_size
        self.dry_run = dry_run
        self.unreadable: list[str] = []
        counts: dict[str, int] = {}
        for model, field in encrypted_fields():
            if isinstance(field, EncryptedFileField):
                counts[field_label(model, field)] = self.rotate_files(model, field)
            else:
                counts[field_label(model, field)] = self.rotate_values(model, field)

        verb = "would re-encrypt" if dry_run else "re-encrypted"
        for label, count in counts.items():
            self.stdout.write(f"{label}: {verb} {count}")
        self.stdout.write(f"Newest key: {self.newest}; {verb} {sum(counts.values())} value(s) in all.")
        if self.unreadable:
            self.stderr.write(
                self.style.ERROR(
                    "Could not decrypt (left unchanged; older keys must stay): " + ", ".join(self.unreadable)
                )
            )
            return
        if not dry_run:
            self.retire_key_uses(ring.key_ids)

    # --- Text and JSON columns ------------------------------------------------

    def candidates(self, model: type[models.Model], field: models.Field[Any, Any]) -> models.QuerySet[models.Model]:
        # The raw column, without from_db_value; rows under the newest key (and bound to
        # their row) are skipped in SQL.
        raw = ExpressionWrapper(F(field.attname), output_field=models.TextField())
        return (
            model._base_manager.annotate(_raw=raw)
            .exclude(_raw__isnull=True)
            .exclude(_raw="")
            .exclude(_raw__startswith=f"{keyring.VERSION}:{self.newest}:")
        )

    def rotate_values(self, model: type[models.Model], field: models.Field[Any, Any]) -> int:
        candidates = self.candidates(model, field)
        total = candidates.count()
        if self.dry_run or total == 0:
            return total
        changed = 0
        last_pk = None
        with tqdm(total=total, desc=field_label(model, field), unit="value", file=sys.stderr) as bar:
            while True:
                batch = candidates.order_by("pk")
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                rows = list(batch.values_list("pk", "_raw")[: self.batch_size])
                if not rows:
                    break
                changed += self.rotate_value_batch(model, field, rows)
                last_pk = rows[-1][0]
                bar.update(len(rows))
        return changed

    def rotate_value_batch(
        self, model: type[models.Model], field: models.Field[Any, Any], rows: list[tuple[Any, str]]
    ) -> int:
        context = cast(EncryptedFieldMixin, field).encryption_context()
        manager = model._base_manager
        changed = 0
        with transaction.atomic(using=router.db_for_write(model)):
            for pk, token in rows:
                try:
                    if keyring.is_current(token, self.newest):
                        continue
                    new_token = reencrypt_text(token, context=context, row=str(pk))
                except keyring.DecryptionError:
                    self.unreadable.append(f"{field_label(model, field)} pk={pk}")
                    continue
                # Compare-and-set: a value changed meanwhile is already under the newest key.
                changed += manager.filter(pk=pk, **{field.name: Ciphertext(token)}).update(
                    **{field.name: Ciphertext(new_token)}
                )
        return changed

    # --- Files ------------------------------------------------------------------

    def rotate_files(self, model: type[models.Model], field: EncryptedFileField) -> int:
        rows_qs = (
            model._base_manager.exclude(**{f"{field.attname}__isnull": True})
            .exclude(**{field.attname: ""})
            .order_by("pk")
        )
        changed = 0
        last_pk = None
        with tqdm(total=rows_qs.count(), desc=field_label(model, field), unit="file", file=sys.stderr) as bar:
            while True:
                batch = rows_qs if last_pk is None else rows_qs.filter(pk__gt=last_pk)
                rows = list(batch.values_list("pk", field.attname)[: self.batch_size])
                if not rows:
                    break
                changed += self.rotate_file_batch(model, field, rows)
                last_pk = rows[-1][0]
                bar.update(len(rows))
        return changed

    def rotate_file_batch(
        self, model: type[models.Model], field: EncryptedFileField, rows: list[tuple[Any, str]]
    ) -> int:
        storage = field.storage
        context = field.encryption_context()
        changed = 0
        with transaction.atomic(using=router.db_for_write(model)):
            for pk, name in rows:
                label = f"{field_label(model, field)} pk={pk}"
                try:
                    with storage.open(name, "rb") as handle:
                        head = handle.read(120)
                        if keyring.is_current(head, self.newest):
                            continue
                        if self.dry_run:
                            changed += 1
                            continue
                        blob = head + handle.read()
                    sealed = reencrypt_bytes(blob, context=context, row=str(pk))
                except (OSError, keyring.DecryptionError):
                    self.unreadable.append(label)
                    continue
                new_name = storage.save(
                    posixpath.join(posixpath.dirname(name), f"{uuid.uuid4().hex}.enc"),
                    ContentFile(sealed),
                    max_length=field.max_length,
                )
                updated = model._base_manager.filter(pk=pk, **{field.attname: name}).update(**{field.attname: new_name})
                if updated:
                    changed += 1
                    transaction.on_commit(functools.partial(storage.delete, name))
                else:
                    storage.delete(new_name)  # the row changed meanwhile
        return changed

    # --- Key uses -----------------------------------------------------------------

    def retire_key_uses(self, key_ids: list[str]) -> None:
        """Forget older key ids once no text value is left under them."""
        for model, field in encrypted_fields():
            if not isinstance(field, EncryptedFileField) and self.candidates(model, field).exists():
                self.stderr.write(
                    self.style.WARNING(
                        f"{field_label(model, field)} still has values under older keys "
                        "(written meanwhile?); run rotate_keys again."
                    )
                )
                return
        older = [key_id for key_id in key_ids if key_id != self.newest]
        deleted, _ = EncryptionKeyUse.objects.filter(key_id__in=older).delete()
        if deleted:
            self.stdout.write(f"No data is left under {', '.join(older)}: those keys may now be removed.")
