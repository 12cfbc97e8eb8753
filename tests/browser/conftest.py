"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here is marked ``browser``. Chromium is never downloaded: the tests use the
system one (``/usr/bin/chromium``, or ``$VICTORY_CHROMIUM``). When it is missing they
skip on a developer's machine and fail under CI, so a CI run cannot pass by testing
nothing.

Pages may load nothing from another host (DESIGN.md). Every request a page makes to
a host other than the live server is aborted and recorded in ``third_party_requests``;
the one exception is the neutral site "Exit this page" leads to, which is answered
with a tiny stub page so the tests can follow the exit without touching the network.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

BROWSER_DIR = Path(__file__).resolve().parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXIT_STUB_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Neutral</title></head><body><p>Neutral site</p></body></html>"
)
AXE_SOURCE_PATH = Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of this directory ``browser`` and run them after all the others.

    While Playwright's sync API is alive it marks an asyncio loop as running in the
    main thread; running the browser tests last keeps that loop (and the
    DJANGO_ALLOW_ASYNC_UNSAFE it needs) away from every other test of the session.
    """
    browser_items, other_items = [], []
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            browser_items.append(item)
        else:
            other_items.append(item)
    items[:] = other_items + browser_items


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def _chromium_path() -> str:
    path = os.environ.get("VICTORY_CHROMIUM", DEFAULT_CHROMIUM)
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    found = shutil.which(path)
    if found:
        return found
    message = (
        f"Chromium not found at {path}. Install Debian's package "
        "(`apt-get install chromium`) or set VICTORY_CHROMIUM to a Chromium executable."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} Browser tests are never skipped under CI.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = _chromium_path()
    # Playwright's sync API runs an asyncio loop in the main thread and leaves it
    # marked as running between calls, so Django would refuse ORM calls made by the
    # test itself (fixtures, database flush) with SynchronousOnlyOperation. Nothing
    # here is really async: the live server answers from its own thread. Set only
    # while the browser lives, which is at the end of the session (see above).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def exit_url() -> str:
    return settings.VICTORY_EXIT_URL


@pytest.fixture
def third_party_requests() -> list[str]:
    """Every URL a page asked for on a host other than the live server (all aborted),
    except the neutral exit site. A test asserts this stays empty."""
    return []


@pytest.fixture
def exit_requests() -> list[str]:
    """URLs on the exit site's host that were answered with the stub page."""
    return []


@pytest.fixture
def failed_responses() -> list[str]:
    """Every answer of the live server with a status of 400 or more ("404 /static/…")."""
    return []


@pytest.fixture
def new_context(
    browser: Browser,
    live_server: Any,
    exit_url: str,
    third_party_requests: list[str],
    exit_requests: list[str],
    failed_responses: list[str],
) -> Iterator[Callable[..., BrowserContext]]:
    """Make a fresh browser context that can reach only the live server (and the exit stub).

    Keyword arguments go to ``browser.new_context`` (``java_script_enabled=False``,
    ``viewport={...}``). Contexts are closed at the end of the test.
    """
    server_origin = _origin(live_server.url)
    exit_origin = _origin(exit_url)
    contexts: list[BrowserContext] = []

    def handle(route: Route) -> None:
        url = route.request.url
        origin = _origin(url)
        if origin == server_origin:
            route.continue_()
        elif origin == exit_origin:
            exit_requests.append(url)
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=EXIT_STUB_HTML)
        else:
            third_party_requests.append(url)
            route.abort("blockedbyclient")

    def make(**kwargs: Any) -> BrowserContext:
        kwargs.setdefault("locale", "en-GB")
        context = browser.new_context(**kwargs)
        context.set_default_timeout(10_000)
        context.route("**/*", handle)
        context.on(
            "response",
            lambda response: (
                failed_responses.append(f"{response.status} {response.url}") if response.status >= 400 else None
            ),
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh context, with JavaScript on and a desktop-sized viewport."""
    return new_context().new_page()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_SOURCE_PATH.read_text(encoding="utf-8")


def format_axe_violations(violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) found by axe-core:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact'}): {violation['help']}"
            f"\n  {violation.get('helpUrl', '')}"
        )
        for node in violation.get("nodes", []):
            target = " ".join(str(part) for part in node.get("target", []))
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


@pytest.fixture
def assert_no_axe_violations(axe_source: str) -> Callable[[Page], dict[str, Any]]:
    """Run axe-core on the page (WCAG 2.0/2.1/2.2 A and AA rules) and fail on any violation.

    The script is injected with ``page.evaluate``, which goes through the DevTools
    protocol and is not subject to the page's Content-Security-Policy; a <script> tag
    would be refused by ``script-src 'self' 'nonce-…'``. Returns axe's full result.
    """

    def check(page: Page) -> dict[str, Any]:
        # After a click the URL may change before the stylesheet has loaded; axe must
        # judge the page a person sees, so wait for the whole page first.
        page.wait_for_load_state("load")
        page.evaluate(axe_source)
        results: dict[str, Any] = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        violations = results["violations"]
        assert not violations, f"{page.url}\n" + format_axe_violations(violations)
        return results

    return check
