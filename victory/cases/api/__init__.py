"""The cases API (``/api/v1/cases``, ``/api/v1/referrals``): one router, each area's
module adds its operations to it. Scoped exactly like the pages: the same selectors and
services, a record outside the caller's scope is 404."""

from . import assessment, case, conference, parts, sharing  # noqa: F401  (each adds its operations)
from .base import router

__all__ = ["router"]
