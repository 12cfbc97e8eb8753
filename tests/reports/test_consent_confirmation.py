"""Sharing a report with the police or another organisation is never one accidental tap
(issue 8, item 4): a confirmation page says what is shared, with whom, what happens next
and how to withdraw; the choice is stored only after "Yes, share". Also: contact details
given without agreeing to be contacted (item 4), and who receives the report (item 12)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import OrganisationFactory
from tests.reports.conftest import make_draft
from tests.reports.test_inbox_views import INBOX, inbox_login
from tests.reports.test_intake_views import NARRATIVE, answer, send, start
from victory.accounts.models import Organisation
from victory.accounts.services import organisation_public_profile_set
from victory.reports import services
from victory.reports.models import ConsentPurpose, Report, ReportConsent
from victory.reports.services import SubmittedReport
from victory.reports.views.intake import DRAFT

CONFIRM = "/en/report/confirm-sharing/"
CONSENT = "/en/inbox/report/consent/"


def _text(html: str) -> str:
    """The page as a person reads it: tags gone, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</?bdi>", "", html)).split())


def _to_contact_page(client: Client) -> None:
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})
    answer(client, "when", {"occurred_when": "last Friday"})
    answer(client, "where", {"country": "PT", "location": "Porto"})


def _draft_answers(client: Client) -> dict[str, object]:
    answers: dict[str, object] = client.session[DRAFT]["answers"]
    return answers


# --- The report form ----------------------------------------------------------------


def test_ticking_share_police_leads_to_a_confirmation_naming_what_and_with_whom(
    client: Client, receiving_organisation: Organisation
) -> None:
    _to_contact_page(client)
    location = answer(client, "contact", {"consents": ["contact", "statistics", "restorative", "share_police"]})
    assert location == CONFIRM

    page = client.get(location)
    assert page.status_code == 200
    text = _text(page.content.decode())
    assert "Do you want your report shared with the police?" in text
    assert "The police in Portugal" in text  # with whom: the report's country
    for part in ("What happened, in your words", "When it happened", "Where it happened"):
        assert part in text, part  # what: the parts this person gave
    assert "What kind of incident it was" not in text  # not given, so not listed
    assert "Your receipt" in text  # what is never shared
    assert "Nothing is shared before you send your report." in text
    assert "withdraw your agreement at any time in your secure inbox" in text
    assert "It takes effect at once" in text
    assert 'value="yes">Yes, share<' in page.content.decode()
    assert 'value="no">No, do not share<' in page.content.decode()

    # Not agreed yet: held apart, never among the consents a report is sent with.
    # Not agreed yet: held apart, never among the consents a report is sent with. The
    # choices that send nothing to anyone else (restorative too) count at once.
    answers = _draft_answers(client)
    assert answers["consents"] == ["contact", "statistics", "restorative"]
    assert answers["pending_consents"] == ["share_police"]


def test_yes_agrees_and_the_check_page_and_report_show_it(client: Client, receiving_organisation: Organisation) -> None:
    _to_contact_page(client)
    answer(client, "contact", {"consents": ["share_police"]})
    location = answer(client, "confirm-sharing", {"purpose": "share_police", "confirmed": "yes"})
    assert location == "/en/report/organisation/"  # on through the form
    assert "You agreed: “You may share my report with the police”" in client.get(location).content.decode()

    check = _text(client.get("/en/report/check/").content.decode())
    assert "You may share my report with the police" in check
    assert "Not shared: you did not confirm" not in check
    send(client)
    assert Report.objects.get().consent_granted(ConsentPurpose.SHARE_POLICE)


def test_no_unticks_it_and_nothing_is_shared(client: Client, receiving_organisation: Organisation) -> None:
    _to_contact_page(client)
    answer(client, "contact", {"consents": ["contact", "share_police"], "contact_email": "me@example.org"})
    location = answer(client, "confirm-sharing", {"purpose": "share_police", "confirmed": "no"})
    assert location == "/en/report/organisation/"

    contact_page = client.get("/en/report/contact/").content.decode()
    assert not re.search(r'value="share_police"[^>]*checked', contact_page)
    assert re.search(r'value="contact"[^>]*checked', contact_page)
    check = _text(client.get("/en/report/check/").content.decode())
    assert "You may share my report with the police" not in check
    send(client)
    report = Report.objects.get()
    assert not report.consent_granted(ConsentPurpose.SHARE_POLICE)
    assert report.consent_granted(ConsentPurpose.CONTACT)


def test_a_sharing_consent_never_confirmed_is_not_sent_and_the_check_page_says_so(
    client: Client, receiving_organisation: Organisation
) -> None:
    _to_contact_page(client)
    answer(client, "contact", {"consents": ["share_support"]})
    # The person skips the confirmation and goes straight to the check page.
    check = client.get("/en/report/check/").content.decode()
    text = _text(check)
    assert "Not shared: you did not confirm" in text
    assert "You may share my report with another support organisation" in text  # named in the warning
    assert 'href="/en/report/confirm-sharing/?return=check"' in check
    summary = check.split('class="summary-list"')[1]
    assert "You may share my report with another support organisation" not in summary
    send(client)
    assert not Report.objects.get().consent_granted(ConsentPurpose.SHARE_SUPPORT)


def test_both_sharing_consents_are_confirmed_one_at_a_time(
    client: Client, receiving_organisation: Organisation
) -> None:
    _to_contact_page(client)
    answer(client, "contact", {"consents": ["share_police", "share_support"]})
    assert "with the police?" in client.get(CONFIRM).content.decode()
    assert answer(client, "confirm-sharing", {"purpose": "share_police", "confirmed": "yes"}) == CONFIRM
    page = _text(client.get(CONFIRM).content.decode())
    assert "shared with another support organisation?" in page
    assert "A support organisation chosen with you" in page
    answer(client, "confirm-sharing", {"purpose": "share_support", "confirmed": "no"})
    send(client)
    report = Report.objects.get()
    assert report.consent_granted(ConsentPurpose.SHARE_POLICE)
    assert not report.consent_granted(ConsentPurpose.SHARE_SUPPORT)


def test_from_the_check_page_the_confirmation_leads_back_to_it(
    client: Client, receiving_organisation: Organisation
) -> None:
    _to_contact_page(client)
    answer(client, "contact", {})
    location = answer(client, "contact", {"consents": ["share_police"], "return": "check"})
    assert location == f"{CONFIRM}?return=check"
    page = client.get(location).content.decode()
    assert '<input type="hidden" name="return" value="check">' in page
    assert 'href="/en/report/contact/?return=check"' in page  # Back
    assert (
        answer(client, "confirm-sharing", {"purpose": "share_police", "confirmed": "yes", "return": "check"})
        == "/en/report/check/"
    )


def test_a_confirmed_consent_is_not_asked_again_when_the_page_is_saved_again(
    client: Client, receiving_organisation: Organisation
) -> None:
    _to_contact_page(client)
    answer(client, "contact", {"consents": ["share_police"]})
    answer(client, "confirm-sharing", {"purpose": "share_police", "confirmed": "yes"})
    assert answer(client, "contact", {"consents": ["share_police"]}) == "/en/report/organisation/"
    assert _draft_answers(client)["consents"] == ["share_police"]
    # Unticking it takes it away at once, without a question.
    answer(client, "contact", {"consents": []})
    assert _draft_answers(client)["consents"] == []


def test_a_forged_confirmation_for_a_consent_not_ticked_agrees_to_nothing(
    client: Client, receiving_organisation: Organisation
) -> None:
    _to_contact_page(client)
    answer(client, "contact", {"consents": ["statistics"]})
    answer(client, "confirm-sharing", {"purpose": "share_police", "confirmed": "yes"})
    assert _draft_answers(client)["consents"] == ["statistics"]


# --- Contact details without "You may contact me" --------------------------------------


def test_contact_details_without_the_contact_consent_are_said_unused_with_two_ways_out(
    client: Client, receiving_organisation: Organisation
) -> None:
    _to_contact_page(client)
    answer(client, "contact", {"contact_email": "me@example.org", "contact_phone": "+351 900 000 000"})
    check = client.get("/en/report/check/").content.decode()
    text = _text(check)
    assert "Your contact details will not be used" in text
    assert "you did not tick “You may contact me”" in text
    assert 'href="/en/report/contact/?return=check#id_consents_0"' in check  # change the choice
    assert 'action="/en/report/contact/remove/"' in check  # or remove the details

    # Changing the choice ends the warning; taking it back brings it again.
    answer(client, "contact", {"contact_email": "me@example.org", "consents": ["contact"], "return": "check"})
    assert "will not be used" not in client.get("/en/report/check/").content.decode()
    answer(client, "contact", {"contact_email": "me@example.org", "consents": [], "return": "check"})
    assert "will not be used" in client.get("/en/report/check/").content.decode()

    response = client.post("/en/report/contact/remove/")
    assert response["Location"] == "/en/report/check/#contact-details"
    check = _text(client.get("/en/report/check/").content.decode())
    assert "Your contact details were removed." in check
    assert "Your contact details will not be used" not in check
    assert "me@example.org" not in check
    send(client)
    assert Report.objects.get().contact is None


# --- The inbox --------------------------------------------------------------------------


@pytest.fixture
def without_sharing(receiving_organisation: Organisation) -> SubmittedReport:
    return services.report_submit(draft=make_draft(country="PT", location="Porto"))


def _granted(report: Report, purpose: str) -> bool:
    return ReportConsent.objects.get(report=report, purpose=purpose).granted


def test_inbox_granting_share_police_first_shows_the_confirmation_and_changes_nothing(
    client: Client, without_sharing: SubmittedReport
) -> None:
    report = without_sharing.report
    inbox_login(client, without_sharing.receipt)
    response = client.post(CONSENT, {"purpose": "share_police", "granted": "1"})
    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store")
    text = _text(response.content.decode())
    assert "Do you want your report shared with the police?" in text
    assert "The police in Portugal" in text
    assert f"{report.organisation.name} sends your report to the police." in text
    assert "What happened, in your words" in text
    assert "Nothing is shared before you send your report." not in text  # it was sent
    assert not _granted(report, ConsentPurpose.SHARE_POLICE)  # the database is unchanged

    response = client.post(CONSENT, {"purpose": "share_police", "granted": "1", "confirmed": "yes"})
    assert response["Location"] == f"{INBOX}#consents"
    assert _granted(report, ConsentPurpose.SHARE_POLICE)
    assert "You gave your agreement" in client.get(INBOX).content.decode()

    # Withdrawing is one step, and immediate.
    response = client.post(CONSENT, {"purpose": "share_police", "granted": "0"})
    assert response["Location"] == f"{INBOX}#consents"
    assert not _granted(report, ConsentPurpose.SHARE_POLICE)
    assert "This took effect at once" in client.get(INBOX).content.decode()


def test_inbox_no_on_the_confirmation_shares_nothing(client: Client, without_sharing: SubmittedReport) -> None:
    inbox_login(client, without_sharing.receipt)
    response = client.post(CONSENT, {"purpose": "share_support", "granted": "1", "confirmed": "no"})
    assert response["Location"] == f"{INBOX}#consents"
    assert not _granted(without_sharing.report, ConsentPurpose.SHARE_SUPPORT)
    assert "Nothing was shared." in client.get(INBOX).content.decode()
    # A choice that sends nothing elsewhere is one step.
    client.post(CONSENT, {"purpose": "restorative", "granted": "1"})
    assert _granted(without_sharing.report, ConsentPurpose.RESTORATIVE)


# --- Who receives the report ----------------------------------------------------------


@pytest.fixture
def portuguese_general_intake(db: None) -> Organisation:
    """As in the demo: a Portuguese NGO is the platform's general intake ("*")."""
    organisation: Organisation = OrganisationFactory(
        name="Apoio Teste (fictional)", countries=["PT"], accepts_public_reports=True
    )
    organisation_public_profile_set(
        actor=None,
        organisation=organisation,
        languages=["pt", "en"],
        description="Free, confidential support for victims of hate crime.",
    )
    services.country_intake_set(actor=None, country="*", organisation=organisation)
    return organisation


def test_each_organisation_offered_shows_its_country_languages_and_what_it_does(
    client: Client, portuguese_general_intake: Organisation
) -> None:
    local: Organisation = OrganisationFactory(
        name="Red Prueba (fictional)", countries=["ES"], accepts_public_reports=True
    )
    organisation_public_profile_set(
        actor=None, organisation=local, languages=["es", "ar"], description="Legal and emotional support."
    )
    start(client, "es")
    answer(client, "what-happened", {"narrative": NARRATIVE}, "es")
    answer(client, "where", {"country": "ES"}, "es")
    page = client.get("/es/report/organisation/").content.decode()
    text = _text(page)
    assert "Red Prueba (fictional)" in text
    assert "Legal and emotional support." in text
    assert "español y árabe" in text  # the languages, named in the page's language
    # Each radio points at what is said about its organisation.
    radio = re.search(rf'<input[^>]*value="{local.pk}"[^>]*>', page)
    assert radio is not None
    described = re.search(r'aria-describedby="([^"]+)"', radio.group(0))
    assert described is not None
    assert f'id="{described.group(1)}"' in page


def test_a_country_without_a_local_organisation_says_the_only_one_is_elsewhere(
    client: Client, portuguese_general_intake: Organisation
) -> None:
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})
    answer(client, "where", {"country": "HU"})
    page = client.get("/en/report/organisation/").content.decode()
    text = _text(page)
    assert "No organisation on this site works in Hungary yet." in text
    assert "Let VicTory choose for me" in text  # the platform's general intake
    assert "Your report goes to Apoio Teste (fictional), the organisation that receives reports" in text
    assert "Works in: Portugal" in text
    assert "Languages: Portuguese and English" in text
    assert "Free, confidential support for victims of hate crime." in text
    assert "It works in Portugal, not in Hungary." in text
    assert 'href="/en/support/?country=HU"' in page
    assert answer(client, "organisation", {"organisation": "auto"}) == "/en/report/files/"
    # And the check page says it again, next to who receives it.
    check = _text(client.get("/en/report/check/").content.decode())
    assert "Let VicTory choose for me (now: Apoio Teste (fictional)) It works in Portugal, not in Hungary." in check


def test_an_organisation_not_offered_is_refused_on_the_page(
    client: Client, portuguese_general_intake: Organisation
) -> None:
    start(client)
    answer(client, "where", {"country": "HU"})
    response = client.post("/en/report/organisation/", {"organisation": str(portuguese_general_intake.pk)})
    assert response.status_code == 200
    assert "Choose one of the organisations listed, or let VicTory choose for you." in response.content.decode()


def test_a_platform_administrator_sets_the_languages_and_description_in_the_admin(
    client: Client, portuguese_general_intake: Organisation
) -> None:
    from tests.factories import PASSWORD, current_code
    from victory.accounts import services as account_services

    admin = account_services.user_create(email="root@test.victory.example", password=PASSWORD, is_platform_admin=True)
    device = account_services.totp_device_create_confirmed(user=admin)
    client.post("/en/staff/login/", {"email": admin.email, "password": PASSWORD})
    client.post("/en/staff/login/code/", {"code": current_code(device)})
    url = f"/en/admin/accounts/organisation/{portuguese_general_intake.pk}/change/"
    form = {
        "name": portuguese_general_intake.name,
        "kind": "victim_support",
        "countries": "PT",
        "languages": "pt, en, rom",
        "description": "Free support for victims of hate crime, in person and by phone.",
        "accepts_public_reports": "on",
        "is_active": "on",
    }
    page = client.get(url).content.decode()
    assert 'name="languages" value="pt, en"' in page
    refused = client.post(url, {**form, "languages": "Portuguese"})
    assert refused.status_code == 200  # shown on the field, nothing saved
    assert "is not a language code" in refused.content.decode()
    assert client.post(url, form).status_code == 302
    portuguese_general_intake.refresh_from_db()
    assert portuguese_general_intake.languages == ["pt", "en", "rom"]
    assert portuguese_general_intake.description == "Free support for victims of hate crime, in person and by phone."
