"""API authentication: professionals exchange e-mail, password and a code for a token."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import HttpBearer

from victory.core.http import ClientRequest

from . import services
from .models import User

router = Router(tags=["authentication"])


class TokenIn(Schema):
    email: str
    password: str
    otp: str


class TokenOut(Schema):
    token: str
    expires: datetime


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` for professional endpoints (later issues)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = services.api_token_user(token=token)
        if user is not None:
            # Tokens are issued only after the second factor (api_token_issue), so the
            # request counts as verified for victory.accounts.permissions.is_professional.
            user.is_verified = lambda: True
            request.user = user
        return user


@router.post(
    "/token",
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
    summary="Get an API token",
    auth=None,
)
def token_create(request: ClientRequest, payload: TokenIn) -> TokenOut:
    """Exchange e-mail, password and a current authenticator (or backup) code for a bearer
    token. A wrong value in any of the three gives the same 401; repeated failures give
    429 with a `Retry-After` header."""
    token, expires = services.api_token_issue(
        email=payload.email,
        password=payload.password,
        otp=payload.otp,
        client=request.client_fingerprint,
    )
    return TokenOut(token=token, expires=expires)
