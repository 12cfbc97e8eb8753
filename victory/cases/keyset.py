"""Keyset pagination: a page starts after the last row of the previous one, named by an
opaque cursor holding that row's sort value and id. No OFFSET (page 2,000 costs what
page 1 does) and no COUNT over the whole history.

An order is a sort expression (a field or an annotation) with a direction, then ``id``
in the same direction as the tie-breaker; rows whose sort value is NULL come last."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import F, Q, QuerySet


class InvalidCursor(ValueError):
    """A cursor that this order did not write (edited, or from another sort)."""


@dataclass(frozen=True)
class KeysetOrder:
    name: str  # written into the cursor, so a cursor of another order is refused
    field: str  # the model field or annotation sorted on
    descending: bool
    kind: str = "str"  # how the value is written: "str", "int", "date", "datetime"
    # A field that is never NULL is ordered and bounded as a plain index range: "NULLS
    # LAST" does not match a backward scan of a PostgreSQL index, and "x < v OR (x = v
    # AND id < pk) OR x IS NULL" is a filter, not a range, for both databases.
    nullable: bool = True

    def order_by(self) -> list[Any]:
        if not self.nullable:
            return [F(self.field).desc(), F("id").desc()] if self.descending else [F(self.field).asc(), F("id").asc()]
        if self.descending:
            return [F(self.field).desc(nulls_last=True), F("id").desc()]
        return [F(self.field).asc(nulls_last=True), F("id").asc()]

    def after(self, value: Any, pk: int) -> Q:
        """The rows after (value, pk) in this order."""
        past, tie = ("lt", "lt") if self.descending else ("gt", "gt")
        if not self.nullable:
            # "x <= v" bounds the index scan; the OR only breaks the ties at v.
            within = "lte" if self.descending else "gte"
            return Q(**{f"{self.field}__{within}": value}) & (
                Q(**{f"{self.field}__{past}": value}) | Q(**{f"id__{tie}": pk})
            )
        if value is None:  # in the NULL tail: only the ids after
            return Q(**{f"{self.field}__isnull": True, f"id__{tie}": pk})
        return (
            Q(**{f"{self.field}__{past}": value})
            | Q(**{self.field: value, f"id__{tie}": pk})
            | Q(**{f"{self.field}__isnull": True})
        )

    def encode(self, value: Any, pk: int) -> str:
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        raw = json.dumps([self.name, value, pk], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, int]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            name, value, pk = json.loads(raw)
            if name != self.name or not isinstance(pk, int) or isinstance(pk, bool):
                raise InvalidCursor(cursor)
            return self._value(value), pk
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
            raise InvalidCursor(cursor) from error

    def _value(self, value: Any) -> Any:
        if value is None:
            return None
        if self.kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidCursor(str(value))
            return value
        if not isinstance(value, str):
            raise InvalidCursor(str(value))
        if self.kind == "date":
            return date.fromisoformat(value)
        if self.kind == "datetime":
            return datetime.fromisoformat(value)
        return value


@dataclass(frozen=True)
class KeysetPage[M: models.Model]:
    items: list[M]
    next_cursor: str | None  # None: this is the last page
    first: bool  # no cursor was given


def keyset_page[M: models.Model](
    queryset: QuerySet[M], *, order: KeysetOrder, after: str | None, size: int
) -> KeysetPage[M]:
    """One page of ``queryset`` in ``order``, after the cursor ``after`` (raises
    ``InvalidCursor``). One query: ``size + 1`` rows say whether there are more."""
    rows = queryset.order_by(*order.order_by())
    if after:
        value, pk = order.decode(after)
        rows = rows.filter(order.after(value, pk))
    items = list(rows[: size + 1])
    more = len(items) > size
    items = items[:size]
    cursor = None
    if more and items:
        last = items[-1]
        cursor = order.encode(getattr(last, order.field), last.pk)
    return KeysetPage(items=items, next_cursor=cursor, first=not after)
