"""Commands and the server print the platform's own messages, not libraries' chatter
(issue 9, item 9): libraries at WARNING, victory.* at INFO."""

from __future__ import annotations

import logging

import pytest


@pytest.mark.parametrize(
    "library", ["weasyprint", "fontTools", "PIL", "botocore", "urllib3", "asyncio", "some.library"]
)
def test_a_library_says_nothing_below_warning(library: str) -> None:
    logger = logging.getLogger(library)
    assert not logger.isEnabledFor(logging.INFO)
    assert logger.isEnabledFor(logging.WARNING)


def test_the_platforms_own_messages_are_shown_at_info() -> None:
    assert logging.getLogger("victory.core.exit").isEnabledFor(logging.INFO)
    assert logging.getLogger("victory.core.management.commands.run_worker").isEnabledFor(logging.INFO)
