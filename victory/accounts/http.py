"""The request of a professional page, for type checking (see ``victory.core.http``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from victory.core.http import ClientRequest

from .models import User
from .permissions import is_professional


class ProfessionalRequest(ClientRequest):
    """A request that passed the professional gate (``permissions.is_professional``:
    logged in, active, past the second factor), so ``user`` is the platform's User and
    never the anonymous one. Only code behind that gate may annotate its request so:
    ``ProfessionalRequiredMixin``, or a function view that checked ``is_professional``."""

    user: User


def professional_user(request: HttpRequest) -> User:
    """The user of a request behind the professional gate, where Django fixes the
    signature as HttpRequest (a ModelAdmin's methods, behind the admin site's own check):
    refused, never assumed, should the gate have been skipped."""
    user = request.user
    if not is_professional(user):
        raise PermissionDenied
    return user
