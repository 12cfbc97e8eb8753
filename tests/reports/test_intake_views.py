"""The public report form, as a person goes through it: start, one page per topic, back
and forward, errors, check your answers, send, and the receipt shown once."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from tests.conftest import login
from tests.factories import OrganisationFactory
from victory.accounts.models import Membership, Organisation
from victory.core.models import EncryptedSession
from victory.core.ratelimit import Throttled
from victory.reports import services
from victory.reports.models import ConsentPurpose, Report
from victory.reports.views.intake import DRAFT, DRAFT_SECONDS, SENT, STEPS

NARRATIVE = "Two men shouted insults about my headscarf and pushed me at the bus stop."
RECEIPT_SHOWN = re.compile(r"\d{4}( \d{4}){5}")

# Every page's answers, as a person would give them.
JOURNEY: list[tuple[str, dict[str, object]]] = [
    ("who", {"reporter_role": "witness"}),
    ("what-happened", {"narrative": NARRATIVE}),
    ("when", {"occurred_day": "3", "occurred_month": "2", "occurred_year": "2025", "occurred_when": "a Monday"}),
    ("where", {"country": "PT", "location": "Lisbon", "place_kind": "transport", "online_platform": ""}),
    ("why", {"bias_motivations": ["anti_muslim", "gender"]}),
    ("what-kind", {"incident_types": ["violent_attack", "threat_harassment"], "impact": "I am afraid to go out."}),
    ("police", {"offender_description": "Two men, about 30", "police_aware": "no", "wants_police_told": "yes"}),
    ("support", {"support_needs": ["talk", "legal"], "support_language": "Arabic"}),
    (
        "contact",
        {
            "contact_email": "me@example.org",
            "contact_phone": "",
            "contact_safe_times": "after 6 pm",
            "email_updates": "on",
            "consents": ["contact", "statistics"],
        },
    ),
    ("organisation", {"organisation": "auto"}),
]


def start(client: Client, lang: str = "en") -> None:
    response = client.post(f"/{lang}/report/", {"action": "start"})
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/report/who/"


def answer(client: Client, slug: str, data: dict[str, object], lang: str = "en") -> str:
    response = client.post(f"/{lang}/report/{slug}/", data)
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def go_through(client: Client, lang: str = "en") -> None:
    start(client, lang)
    for slug, data in JOURNEY:
        location = answer(client, slug, data, lang)
        # No answer ever travels in an address.
        assert "?" not in location
    response = client.post(f"/{lang}/report/files/", {"action": "continue"})
    assert response["Location"] == f"/{lang}/report/check/"


def send(client: Client, lang: str = "en") -> None:
    response = client.post(f"/{lang}/report/check/", {"website": ""})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == f"/{lang}/report/sent/"


def test_start_page_says_what_to_expect(client: Client, db: None) -> None:
    page = client.get("/en/report/").content.decode()
    assert "Only one question must be answered: what happened" in page
    assert "Exit this page" in page
    assert "Nothing is sent until you press" in page
    assert "You do not need to give your name" in page
    assert ">Start<" in page
    assert DRAFT not in client.session


@pytest.mark.parametrize("lang", ["en", "es"])
def test_whole_journey_sends_one_report_to_the_organisation_for_the_country(
    client: Client, receiving_organisation: Organisation, other_organisation: Organisation, lang: str
) -> None:
    go_through(client, lang)
    check = client.get(f"/{lang}/report/check/")
    assert f'<html lang="{lang}"' in check.content.decode()
    send(client, lang)

    report = Report.objects.get()
    assert report.organisation == receiving_organisation
    assert report.language == lang
    assert report.narrative == NARRATIVE
    assert report.reporter_role == "witness"
    assert report.occurred_on == date(2025, 2, 3)
    assert report.occurred_when == "a Monday"
    assert (report.country, report.location, report.place_kind) == ("PT", "Lisbon", "transport")
    assert report.bias_motivations == ["anti_muslim", "gender"]
    assert report.incident_types == ["threat_harassment", "violent_attack"]
    assert report.police_aware == "no"
    assert report.wants_police_told is True
    assert report.support_needs == ["legal", "talk"]
    assert report.contact == {
        "email": "me@example.org",
        "phone": "",
        "safe_times": "after 6 pm",
        "email_updates": True,
    }
    granted = {c.purpose for c in report.consents.all() if c.granted}
    assert granted == {ConsentPurpose.CONTACT, ConsentPurpose.STATISTICS}
    assert DRAFT not in client.session


def test_answers_are_kept_when_going_back(client: Client, receiving_organisation: Organisation) -> None:
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})
    answer(client, "where", {"country": "PT", "location": "Porto"})
    answer(client, "why", {"bias_motivations": ["anti_roma"]})

    why = client.get("/en/report/why/").content.decode()
    assert 'href="/en/report/where/">Back<' in why
    assert re.search(r'value="anti_roma"[^>]*checked', why)
    where = client.get("/en/report/where/").content.decode()
    assert 'href="/en/report/when/">Back<' in where
    assert '<option value="PT" selected>' in where
    assert 'value="Porto"' in where
    assert NARRATIVE in client.get("/en/report/what-happened/").content.decode()
    assert 'href="/en/report/">Back<' in client.get("/en/report/who/").content.decode()


def test_an_error_is_summarised_with_a_link_and_the_typed_text_is_kept(
    client: Client, receiving_organisation: Organisation
) -> None:
    start(client)
    response = client.post("/en/report/where/", {"country": "XX", "location": "Near the old market"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_country">Choose a country from the list.</a>' in page
    assert "organisation that works in that country" in page  # it says why we ask
    assert 'value="Near the old market"' in page
    assert re.search(r'<select name="country"[^>]*aria-invalid="true"', page)
    assert "<title>Error:" in page


def test_an_empty_narrative_asks_for_it_kindly(client: Client, receiving_organisation: Organisation) -> None:
    start(client)
    page = client.post("/en/report/what-happened/", {"narrative": "   "}).content.decode()
    assert '<a href="#id_narrative">Tell us what happened, in your own words.' in page


def test_a_narrative_too_long_is_refused_without_losing_it(
    client: Client, receiving_organisation: Organisation, settings: Settings
) -> None:
    settings.VICTORY_NARRATIVE_MAX_CHARS = 50
    start(client)
    text = "I want to tell you everything that happened that night, from the start."
    page = client.post("/en/report/what-happened/", {"narrative": text}).content.decode()
    assert "Make it shorter than 50 characters" in page
    assert text in page
    assert "maxlength" not in page.split('name="narrative"')[1].split(">")[0]


def test_the_country_is_optional(client: Client, receiving_organisation: Organisation) -> None:
    start(client)
    page = client.get("/en/report/where/").content.decode()
    assert "In which country did it happen? (optional)" in page
    select = re.search(r"<select[^>]*>\s*<option[^>]*>[^<]*</option>", page)
    assert select
    assert "required" not in select.group(0).split(">")[0]
    assert re.search(r'<option value="" selected>I would rather not say, or it is not listed</option>', select.group(0))
    assert answer(client, "where", {"country": "", "location": "Near the old market"}) == "/en/report/why/"


@pytest.fixture
def general_intake(receiving_organisation: Organisation) -> Organisation:
    """The platform-wide intake organisation ("*"): it receives reports without a country."""
    organisation: Organisation = OrganisationFactory(
        name="General intake (fictional)", countries=["ES"], accepts_public_reports=True
    )
    services.country_intake_set(actor=None, country="*", organisation=organisation)
    return organisation


def test_without_a_country_the_organisation_page_offers_no_choice(client: Client, general_intake: Organisation) -> None:
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})
    page = client.get("/en/report/organisation/").content.decode()
    assert "You did not say in which country it happened, so your report will go to General intake (fictional)" in page
    assert 'type="radio"' not in page
    assert "Receiving support (fictional)" not in page  # it works for Portugal only
    assert 'href="/en/report/where/">in which country it happened</a>' in page
    assert answer(client, "organisation", {}) == "/en/report/files/"


def test_only_the_narrative_is_enough_to_send_a_report(client: Client, general_intake: Organisation) -> None:
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})  # nothing else is answered
    check = client.get("/en/report/check/").content.decode()
    assert "Let VicTory choose for me (now: General intake (fictional))" in check
    send(client)

    report = Report.objects.get()
    assert report.narrative == NARRATIVE
    assert report.organisation == general_intake
    assert (report.country, report.reporter_role, report.location, report.occurred_on) == ("", "", "", None)
    assert report.bias_motivations == [] and report.incident_types == [] and report.support_needs == []
    assert "General intake (fictional)" in client.get("/en/report/sent/").content.decode()


def test_removing_the_country_resets_a_chosen_organisation(
    client: Client, receiving_organisation: Organisation, general_intake: Organisation
) -> None:
    go_through(client)
    answer(client, "organisation", {"organisation": str(receiving_organisation.pk), "return": "check"})
    location = answer(client, "where", {"country": "", "return": "check"})
    assert location == "/en/report/organisation/?return=check"
    page = client.get(location).content.decode()
    assert "You removed the country." in page
    assert "your report will go to General intake (fictional)" in page
    send(client)
    assert Report.objects.get().organisation == general_intake


def test_a_wrong_date_says_how_to_fix_it(client: Client, receiving_organisation: Organisation) -> None:
    start(client)
    page = client.post(
        "/en/report/when/", {"occurred_day": "31", "occurred_month": "2", "occurred_year": "2024"}
    ).content.decode()
    assert '<a href="#id_occurred_day">Enter a real date, for example 27 3 2024.</a>' in page
    assert 'value="31"' in page
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = client.post(
        "/en/report/when/",
        {"occurred_day": tomorrow.day, "occurred_month": tomorrow.month, "occurred_year": tomorrow.year},
    ).content.decode()
    assert "The date cannot be in the future" in page


def _date_inputs(page: str) -> list[str]:
    inputs = []
    for name in ("occurred_day", "occurred_month", "occurred_year"):
        found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert found is not None, name
        inputs.append(found.group(0))
    return inputs


def _described_by_ids(tag: str) -> list[str]:
    found = re.search(r'aria-describedby="([^"]*)"', tag)
    assert found, tag
    return found.group(1).split()


@pytest.mark.parametrize(
    "date_parts",
    [("31", "2", "2024"), ("3", "", "2024"), ("3", "2", "1850")],
    ids=["not-a-date", "missing-month", "old-year"],
)
def test_a_wrong_date_marks_all_three_boxes_and_points_at_the_message(
    client: Client, receiving_organisation: Organisation, date_parts: tuple[str, str, str]
) -> None:
    start(client)
    for tag in _date_inputs(client.get("/en/report/when/").content.decode()):
        assert "aria-invalid" not in tag
        assert _described_by_ids(tag) == ["occurred-on-hint"]

    day, month, year = date_parts
    page = client.post(
        "/en/report/when/", {"occurred_day": day, "occurred_month": month, "occurred_year": year}
    ).content.decode()
    for tag in _date_inputs(page):
        assert 'aria-invalid="true"' in tag
        ids = _described_by_ids(tag)
        assert ids == ["occurred-on-hint", "occurred-on-error"]
        for element_id in ids:
            assert len(re.findall(rf'id="{element_id}"', page)) == 1, element_id
    assert 'id="occurred-on-error"><span class="visually-hidden">Error:</span>' in page


def test_email_updates_need_an_email_address(client: Client, receiving_organisation: Organisation) -> None:
    start(client)
    page = client.post("/en/report/contact/", {"email_updates": "on"}).content.decode()
    assert "enter your e-mail address, or untick this box" in page


def test_check_page_lists_every_answer_with_a_change_link(client: Client, receiving_organisation: Organisation) -> None:
    go_through(client)
    page = client.get("/en/report/check/").content.decode()

    for text in (
        NARRATIVE,
        "A witness",
        "a Monday",
        "Portugal",
        "Lisbon",
        "On public transport",
        "Being Muslim, or seen as Muslim",
        "Being a woman, a man, or my gender",
        "Threats, insults or harassment, in person or online",
        "I am afraid to go out.",
        "Two men, about 30",
        "Someone to talk to (emotional support)",
        "Arabic",
        "me@example.org",
        "after 6 pm",
        "You may count my report in statistics",
        "Let VicTory choose for me (now: Receiving support (fictional))",
    ):
        assert text in page, text
    for step in STEPS:
        assert f'href="/en/report/{step.slug}/?return=check#' in page, step.slug
    # Screen readers hear which answer each link changes, with the heading as written.
    assert re.search(r'Change<span class="visually-hidden">\s+the answer “Who is reporting”</span>', page)
    assert "who is reporting" not in page


def test_a_change_link_returns_to_the_check_page(client: Client, receiving_organisation: Organisation) -> None:
    go_through(client)
    page = client.get("/en/report/why/?return=check").content.decode()
    assert 'href="/en/report/check/">Back<' in page
    assert '<input type="hidden" name="return" value="check">' in page
    location = answer(client, "why", {"bias_motivations": ["unknown"], "return": "check"})
    assert location == "/en/report/check/"
    assert "I am not sure" in client.get(location).content.decode()


def test_choosing_an_organisation_sends_the_report_there(
    client: Client, receiving_organisation: Organisation, other_organisation: Organisation
) -> None:
    chosen: Organisation = OrganisationFactory(
        name="Second support (fictional)", countries=["PT"], accepts_public_reports=True
    )
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})
    answer(client, "where", {"country": "PT"})
    page = client.get("/en/report/organisation/").content.decode()
    assert "Second support (fictional)" in page
    assert other_organisation.name not in page  # it works in another country
    assert re.search(r'value="auto"[^>]*checked', page)  # "Let VicTory choose" is the default
    answer(client, "organisation", {"organisation": str(chosen.pk)})
    send(client)
    assert Report.objects.get().organisation == chosen


def test_a_changed_country_asks_for_the_organisation_again(
    client: Client, receiving_organisation: Organisation, other_organisation: Organisation
) -> None:
    go_through(client)
    answer(client, "organisation", {"organisation": str(receiving_organisation.pk), "return": "check"})
    location = answer(client, "where", {"country": "ES", "return": "check"})
    assert location == "/en/report/organisation/?return=check"
    assert "Choose again who should receive your report" in client.get(location).content.decode()


def test_a_problem_found_on_sending_links_back_to_its_page(
    client: Client, receiving_organisation: Organisation
) -> None:
    start(client)
    # No country given, and no platform-wide intake organisation ("*") configured.
    answer(client, "what-happened", {"narrative": NARRATIVE})
    organisation_page = client.get("/en/report/organisation/").content.decode()
    assert "no organisation receives reports without a country yet" in organisation_page
    response = client.post("/en/report/check/", {"website": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'<a href="/en/report/where/\?return=check#id_country">[^<]+</a>', page)
    assert Report.objects.count() == 0
    assert NARRATIVE in page  # nothing lost


def test_receipt_is_shown_once(client: Client, receiving_organisation: Organisation) -> None:
    go_through(client)
    send(client)
    report = Report.objects.get()

    first = client.get("/en/report/sent/")
    page = first.content.decode()
    assert RECEIPT_SHOWN.search(page)
    assert report.reference in page
    assert "Receiving support (fictional)" in page
    assert "not even us" in page
    assert 'href="/en/report/acknowledgement.pdf"' in page
    assert 'href="/en/inbox/"' in page
    assert "no-store" in first["Cache-Control"]

    again = client.get("/en/report/sent/").content.decode()
    assert not RECEIPT_SHOWN.search(again)
    assert report.reference in again
    assert "shown only once" in again


def test_the_honeypot_stores_nothing(client: Client, receiving_organisation: Organisation) -> None:
    go_through(client)
    response = client.post("/en/report/check/", {"website": "http://spam.example"})
    assert response.status_code == 400
    assert "Your report could not be sent" in response.content.decode()
    assert Report.objects.count() == 0
    assert DRAFT in client.session  # a person who tripped it can simply send again


def test_the_honeypot_is_hidden_and_skipped(client: Client, receiving_organisation: Organisation) -> None:
    go_through(client)
    page = client.get("/en/report/check/").content.decode()
    field = re.search(r'<input type="text" name="website"[^>]*>', page)
    assert field
    assert 'tabindex="-1"' in field.group(0)
    assert 'autocomplete="off"' in field.group(0)
    assert "Leave this empty" in page
    assert "style=" not in page


@pytest.mark.parametrize(("retry_after", "wait"), [(3600, "wait 60 minutes and"), (30, "wait 1 minute and")])
def test_too_many_reports_get_a_plain_message(
    client: Client,
    receiving_organisation: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    retry_after: int,
    wait: str,
) -> None:
    def throttled(**kwargs: object) -> None:
        raise Throttled(retry_after)

    go_through(client)
    monkeypatch.setattr(services, "report_submit", throttled)
    page = client.post("/en/report/check/", {"website": ""}).content.decode()
    assert wait in page
    assert "Your answers are kept" in page


def _expire_sessions() -> None:
    EncryptedSession.objects.update(expire_date=timezone.now() - timedelta(seconds=1))


def test_an_expired_draft_gets_a_kind_message(client: Client, receiving_organisation: Organisation) -> None:
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})
    _expire_sessions()

    page = client.get("/en/report/where/").content.decode()
    assert "Your answers were cleared" in page
    assert "To protect you" in page
    assert "Start again" in page
    assert NARRATIVE not in page
    assert "Your answers were cleared" in client.get("/en/report/check/").content.decode()


def _assert_ends_with_the_browser(response: HttpResponseBase) -> None:
    cookie = response.cookies["sessionid"]
    assert cookie.value
    assert not cookie["max-age"]
    assert not cookie["expires"]


def test_the_form_cookie_ends_with_the_browser(client: Client, receiving_organisation: Organisation) -> None:
    """On a shared device, neither the answers nor the "just sent" page outlive the browser."""
    _assert_ends_with_the_browser(client.post("/en/report/", {"action": "start"}))
    _assert_ends_with_the_browser(client.post("/en/report/what-happened/", {"narrative": NARRATIVE}))
    for slug, data in JOURNEY[2:]:
        answer(client, slug, data)
    _assert_ends_with_the_browser(client.post("/en/report/check/", {"website": ""}))
    assert client.session.get_expire_at_browser_close()


def test_an_unsent_draft_expires_after_two_hours_of_inactivity(
    client: Client, receiving_organisation: Organisation
) -> None:
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})
    session = client.session
    session[DRAFT]["touched"] = time.time() - DRAFT_SECONDS + 60
    session.save()
    assert NARRATIVE in client.get("/en/report/what-happened/").content.decode()  # activity keeps it

    session = client.session
    session[DRAFT]["touched"] = time.time() - DRAFT_SECONDS - 1
    session.save()
    page = client.get("/en/report/what-happened/").content.decode()
    assert "Your answers were cleared" in page
    assert "after 2 hours without activity, or when the browser was closed" in page
    assert NARRATIVE not in page
    assert DRAFT not in client.session


def test_the_sent_page_ends_after_an_hour(client: Client, receiving_organisation: Organisation) -> None:
    go_through(client)
    send(client)
    reference = Report.objects.get().reference
    session = client.session
    session[SENT]["until"] = time.time() - 1
    session.save()
    page = client.get("/en/report/sent/").content.decode()
    assert "This page is no longer available" in page
    assert reference not in page
    assert client.get("/en/report/acknowledgement.pdf").status_code == 404


def test_going_back_after_sending_says_it_was_sent(client: Client, receiving_organisation: Organisation) -> None:
    go_through(client)
    send(client)
    client.get("/en/report/sent/")
    for response in (client.get("/en/report/check/"), client.post("/en/report/check/", {"website": ""})):
        assert response["Location"] == "/en/report/sent/"
    assert Report.objects.count() == 1


def test_a_professionals_session_expiry_is_left_alone(
    client: Client, receiving_organisation: Organisation, caseworker: Membership
) -> None:
    login(client, caseworker)
    before = client.session.get_expiry_date()
    assert not client.session.get_expire_at_browser_close()
    go_through(client)
    send(client)
    assert client.session.get_expiry_date() == before
    assert not client.session.get_expire_at_browser_close()


def test_text_typed_after_the_draft_expired_is_kept(client: Client, receiving_organisation: Organisation) -> None:
    start(client)
    _expire_sessions()
    location = answer(client, "what-happened", {"narrative": NARRATIVE})
    assert location == "/en/report/who/"
    assert "We kept what you typed on the last page" in client.get(location).content.decode()
    assert NARRATIVE in client.get("/en/report/check/").content.decode()


def test_html_and_scripts_typed_are_shown_escaped(client: Client, receiving_organisation: Organisation) -> None:
    start(client)
    answer(client, "what-happened", {"narrative": "<script>alert('x')</script> and <b>bold</b>"})
    answer(client, "where", {"country": "PT", "location": '"><img src=x onerror=alert(1)>'})
    page = client.get("/en/report/check/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    send(client)
    assert Report.objects.get().narrative == "<script>alert('x')</script> and <b>bold</b>"  # stored as typed


def test_pages_load_only_own_scripts(client: Client, receiving_organisation: Organisation) -> None:
    start(client)
    page = client.get("/en/report/who/").content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(re.fullmatch(r"<script src=\"/static/[^\"]+\" defer>", tag) for tag in scripts)
    assert "<style" not in page
    assert "style=" not in page


def test_typed_answers_on_the_check_page_read_in_their_own_direction(client: Client, db: None) -> None:
    """On the Arabic page a story typed in English must not end with its full stop first."""
    start(client, "ar")
    answer(client, "what-happened", {"narrative": "He shouted at me and pushed me."}, "ar")
    html = client.get("/ar/report/check/").content.decode()
    assert '<div dir="auto">He shouted at me and pushed me.</div>' in html
