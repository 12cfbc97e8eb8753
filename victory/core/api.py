"""Platform-level API endpoints."""

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

router = Router(tags=["platform"])


class HealthOut(Schema):
    status: str
    database: str


@router.get("/health", response={200: HealthOut, 503: HealthOut}, summary="Is the platform up?")
def health(request: HttpRequest) -> Status[HealthOut]:
    """`ok` when the database answers; 503 with `database: "unavailable"` otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return Status(503, HealthOut(status="unavailable", database="unavailable"))
    return Status(200, HealthOut(status="ok", database="ok"))
