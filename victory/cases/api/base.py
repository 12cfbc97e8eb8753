"""The router the cases API's modules share, its authentication and common schemas."""

from __future__ import annotations

from ninja import Router

from victory.accounts.api import BearerToken
from victory.accounts.http import ProfessionalRequest
from victory.accounts.models import User

router = Router(auth=BearerToken(), tags=["cases"])


class CaseApiRequest(ProfessionalRequest):
    """A request past the professional bearer token: ``auth`` is the token's user."""

    auth: User
