"""The whole reporting journey in real Chromium, as a frightened person would go through it:
fill the form page by page, add a photo, get the receipt and the PDF, come back with the
receipt, talk to a demo caseworker, and withdraw a consent. axe-core checks every page.

Run in English and in Portuguese; the person uses only what is on the screen.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from victory.reports.models import ConsentPurpose, Report

PRIMARY = "main form button.button:not(.button--secondary)"


def _photo_with_gps(path: Path) -> Path:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = "holiday photo"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (38.0, 42.0, 0.0), "W", (9.0, 8.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return path


def _continue(page: Page) -> None:
    page.locator(PRIMARY).first.click()
    page.wait_for_load_state("load")


def _demo_code(secret: str) -> str:
    key = __import__("base64").b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_report_follow_up_and_talk_to_a_caseworker(
    browser: Browser,
    new_context: Callable[..., Any],
    live_server: Any,
    tmp_path: Path,
    lang: str,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
    failed_responses: list[str],
) -> None:
    credentials = tmp_path / "demo.json"
    call_command("seed_demo", credentials=credentials, verbosity=0)
    call_command("seed_demo_reports", verbosity=0)
    caseworker = next(
        row
        for row in json.loads(credentials.read_text())
        if row["role"] == "caseworker" and "Apoio Lumen" in (row["organisation"] or "")
    )
    base = live_server.url
    context = new_context(accept_downloads=True)
    page = context.new_page()

    # --- The report form, page by page --------------------------------------------
    page.goto(f"{base}/{lang}/")
    assert_no_axe_violations(page)
    page.locator(f"a[href='/{lang}/report/']").first.click()
    assert_no_axe_violations(page)
    page.locator("button[value=start]").click()

    page.locator("#id_reporter_role_0").check()  # the person harmed
    assert_no_axe_violations(page)
    _continue(page)
    narrative = "A man shouted <b>insults</b> about my religion and spat at me on the tram."
    page.locator("#id_narrative").fill(narrative)
    assert_no_axe_violations(page)
    _continue(page)
    assert_no_axe_violations(page)  # when: left empty, it is optional
    _continue(page)
    page.locator("#id_country").select_option("PT")
    page.locator("#id_location").fill("Lisboa")
    assert_no_axe_violations(page)
    _continue(page)
    page.locator("input[name=bias_motivations][value=anti_muslim]").check()
    assert_no_axe_violations(page)
    _continue(page)
    page.locator("input[name=incident_types][value=violent_attack]").check()
    assert_no_axe_violations(page)
    _continue(page)
    assert_no_axe_violations(page)  # police
    _continue(page)
    page.locator("input[name=support_needs][value=talk]").check()
    assert_no_axe_violations(page)
    _continue(page)
    page.locator("input[name=consents][value=contact]").check()
    page.locator("input[name=consents][value=statistics]").check()
    assert_no_axe_violations(page)
    _continue(page)
    assert_no_axe_violations(page)  # organisation: let VicTory choose
    _continue(page)

    # Back and forward keep the answers.
    page.locator("a.back-link").click()
    page.locator("a.back-link").click()
    expect(page.locator("input[name=consents][value=contact]")).to_be_checked()
    _continue(page)
    _continue(page)

    photo = _photo_with_gps(tmp_path / "IMG_2041.jpg")
    page.locator("input[type=file]").set_input_files(str(photo))
    page.locator("button[value=add]").click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text("IMG_2041.jpg")
    assert_no_axe_violations(page)
    page.locator("button[value=continue]").click()
    page.wait_for_load_state("load")

    # Check your answers: typed markup is shown as text, never run.
    expect(page.locator("main")).to_contain_text("<b>insults</b>")
    assert_no_axe_violations(page)
    _continue(page)  # Send report

    receipt = page.locator("#receipt").inner_text()
    assert len(re.sub(r"\D", "", receipt)) == 24
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.locator(f"a[href='/{lang}/report/acknowledgement.pdf']").click()
    pdf = tmp_path / "acknowledgement.pdf"
    download_info.value.save_as(pdf)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout  # noqa: S607
    report = Report.objects.exclude(narrative__isnull=True).order_by("-created_at").first()
    assert report is not None
    assert report.reference in text
    assert re.sub(r"\D", "", receipt) not in re.sub(r"\D", "", text)
    # The stored photo kept no GPS position.
    stored = report.evidence.get()
    with stored.file.open("rb") as handle:
        assert 0x8825 not in Image.open(handle).getexif()

    # Reloading the page does not show the receipt again.
    page.reload()
    expect(page.locator("#receipt")).to_have_count(0)

    # --- A week later: back with only the receipt ------------------------------------
    reporter = new_context().new_page()
    reporter.goto(f"{base}/{lang}/inbox/")
    assert_no_axe_violations(reporter)
    reporter.locator("#id_receipt").fill(receipt)
    reporter.locator("main form button.button").click()
    reporter.wait_for_load_state("load")
    expect(reporter.locator("main")).to_contain_text(report.reference)
    assert_no_axe_violations(reporter)
    reporter.locator("#id_body").fill("Is anyone there? I am scared to take the tram.")
    reporter.locator("form[action$='/inbox/report/message/'] button").click()
    reporter.wait_for_load_state("load")
    expect(reporter.locator("main")).to_contain_text("I am scared to take the tram")

    # --- The demo caseworker reads it and answers --------------------------------------
    staff = new_context().new_page()
    staff.goto(f"{base}/{lang}/staff/login/")
    staff.locator("#id_email").fill(caseworker["email"])
    staff.locator("#id_password").fill(caseworker["password"])
    staff.locator("main form button[type=submit]").click()
    staff.locator("#id_code").fill(_demo_code(caseworker["totp_secret"]))
    staff.locator("main form button[type=submit]").click()
    staff.wait_for_load_state("load")
    staff.goto(f"{base}/{lang}/staff/reports/")
    assert_no_axe_violations(staff)
    staff.locator(f"a:has-text('{report.reference}')").click()
    staff.wait_for_load_state("load")
    expect(staff.locator("main")).to_contain_text("I am scared to take the tram")
    expect(staff.locator("main")).to_contain_text("<b>insults</b>")
    assert_no_axe_violations(staff)
    staff.locator("#id_body").fill("We are here for you. We can talk by phone tomorrow if you wish.")
    staff.locator("form[action$='/reply/'] button").click()
    staff.wait_for_load_state("load")

    # --- The reporter sees the answer and withdraws a consent ---------------------------
    reporter.reload()
    expect(reporter.locator("main")).to_contain_text("We are here for you")
    contact = reporter.locator("form:has(input[name=purpose][value=contact])")
    contact.locator("button").click()
    reporter.wait_for_load_state("load")
    assert_no_axe_violations(reporter)
    assert not Report.objects.get(pk=report.pk).consent_granted(ConsentPurpose.CONTACT)
    expect(reporter.locator("form:has(input[name=purpose][value=contact]) input[name=granted]")).to_have_value("1")

    # Logging out ends the session: the inbox asks for the receipt again.
    reporter.locator("main form[action$='/inbox/logout/'] button").click()
    reporter.wait_for_load_state("load")
    reporter.goto(f"{base}/{lang}/inbox/report/")
    expect(reporter.locator("#id_receipt")).to_be_visible()

    assert third_party_requests == []
    assert failed_responses == []
