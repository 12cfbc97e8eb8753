"""Another website cannot make its visitors' browsers file reports (issue 7, item 2).

A page served from a second local HTTP server (another origin) tries every request a
browser sends without asking the API first (a CORS preflight): a ``text/plain`` form
whose one field spells a JSON report, ``fetch`` in ``no-cors`` mode with text, form and
untyped bodies, a multipart form, and a ``fetch`` of real JSON, which needs a preflight
the platform never grants. No report may be stored.

The browser context here has no request routing: Playwright answers CORS preflights
itself when routing is on, which would hide what Chromium really does.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.signals import request_started
from playwright.sync_api import Browser

from tests.factories import OrganisationFactory
from victory.reports import services
from victory.reports.models import Report

REPORT = {
    "narrative": "Filed by another website, without the visitor knowing.",
    "country": "PT",
    "reporter_role": "victim",
}


def _attack_page(api: str) -> str:
    """The other site's page. Its own scripts run freely: no CSP of ours applies there."""
    report = json.dumps(REPORT)
    # enctype=text/plain sends "<name>=<value>": the name opens the JSON, the value ends
    # the narrative and closes it.
    field_name = '{"country": "PT", "reporter_role": "victim", "narrative": "'
    field_value = REPORT["narrative"] + '"}'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Win a prize</title></head><body>
<form id="plain" method="post" enctype="text/plain" action="{api}/reports">
  <input type="hidden" name='{field_name}' value='{field_value}'>
  <button type="submit">Claim your prize</button>
</form>
<script>
const report = {report};
const text = JSON.stringify(report);
const multipart = new FormData();
for (const [name, value] of Object.entries(report)) multipart.append(name, value);
multipart.append("body", new Blob([text], {{type: "application/json"}}), "report.json");
const tries = {{
  no_cors_text: () => fetch("{api}/reports", {{method: "POST", mode: "no-cors", body: text,
                                              headers: {{"Content-Type": "text/plain"}}}}),
  no_cors_form: () => fetch("{api}/reports", {{method: "POST", mode: "no-cors", body: text,
                              headers: {{"Content-Type": "application/x-www-form-urlencoded"}}}}),
  no_cors_untyped: () => fetch("{api}/reports", {{method: "POST", mode: "no-cors",
                                                 body: new Blob([text])}}),
  no_cors_multipart: () => fetch("{api}/reports", {{method: "POST", mode: "no-cors", body: multipart}}),
  // Real JSON needs a preflight; without the platform's permission the browser refuses.
  cors_json: () => fetch("{api}/reports", {{method: "POST", mode: "cors", body: text,
                                           headers: {{"Content-Type": "application/json"}}}}),
}};
window.results = {{}};
// One after the other, as a patient attacker would: nothing is lost to a busy database.
window.done = (async () => {{
  for (const [name, run] of Object.entries(tries)) {{
    try {{ const r = await run(); window.results[name] = r.type + " " + r.status; }}
    catch (e) {{ window.results[name] = "refused: " + e.name; }}
  }}
}})();
</script>
</body></html>"""


@pytest.fixture
def other_site(live_server: Any) -> Iterator[str]:
    """An HTTP server on another port (so another origin) serving the attack page."""
    page = _attack_page(f"{live_server.url}/api/v1").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_another_website_cannot_file_reports(
    browser: Browser, live_server: Any, other_site: str, transactional_db: None
) -> None:
    organisation = OrganisationFactory(countries=["PT"], accepts_public_reports=True)
    services.country_intake_set(actor=None, country="PT", organisation=organisation)
    assert not live_server.url.startswith(other_site)  # really another origin

    # What reached the live server: the attack must really be delivered, and refused.
    arrived: list[str] = []

    def count(sender: object, environ: dict[str, str], **kwargs: object) -> None:
        if environ.get("PATH_INFO") == "/api/v1/reports":
            arrived.append(environ["REQUEST_METHOD"])

    request_started.connect(count)
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{other_site}/")
        page.evaluate("() => window.done")
        results = page.evaluate("() => window.results")
        # The JSON fetch stops at its preflight (OPTIONS gets no CORS permission), so
        # only the four simple requests were sent. The page cannot read their answers
        # (Cross-Origin-Resource-Policy: same-origin even hides the opaque one), but
        # the requests were made: only the API's refusal keeps them from filing reports.
        assert results["cors_json"] == "refused: TypeError", results
        assert arrived.count("POST") == 4, arrived

        # The text/plain form: the browser follows it to the API's answer.
        with page.expect_navigation():
            page.get_by_role("button", name="Claim your prize").click()
        assert "Content-Type: application/json" in page.locator("body").inner_text()
        assert arrived.count("POST") == 5, arrived
    finally:
        context.close()
        request_started.disconnect(count)

    assert Report.objects.count() == 0
