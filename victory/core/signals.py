"""Signals the core sends, so apps can react without core importing them (core is the bottom layer)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by the exit address (core/exit.py) with ``request=`` just before the session is
# flushed: each app ends what it keeps for this visit outside the session (an unsent
# report's uploaded files, for one). Receivers must not fail the exit: a person in
# danger leaves in any case, so ``send_robust`` is used and errors are only logged.
visit_ending = Signal()
