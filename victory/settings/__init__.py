"""Settings: base.py holds everything; production.py and test.py adjust it.

``victory.settings`` itself picks production or base from ``VICTORY_ENV`` so that
``manage.py`` and the WSGI entry point need no other variable.
"""

import os

if os.environ.get("VICTORY_ENV", "development") == "production":
    from .production import *  # noqa: F403
else:
    from .base import *  # noqa: F403
