"""Files only the platform's own user may read: keys, secrets, demo credentials.

Standard library only, because the settings use it too (a key file created on the
first development run), before Django is set up."""

from __future__ import annotations

import os
from pathlib import Path


def write_private_file(path: Path, content: str) -> None:
    """Create ``path`` with 0600 rights, never overwriting an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
