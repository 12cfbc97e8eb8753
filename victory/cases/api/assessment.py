"""API operations for this area (see views/assessment.py for the pages)."""

from __future__ import annotations

from .base import router  # noqa: F401
