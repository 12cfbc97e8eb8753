"""The person harmed's restorative page in their inbox (the stage in their words, the next
meeting, "I want to stop", the questionnaire) and the public pages: "What is a
restorative dialogue?", the information sheet and the facilitators' guidelines."""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_report
from tests.reports.test_inbox_views import inbox_login
from tests.restorative.helpers import Programme, fresh, in_dialogue, programme, tomorrow_at
from victory.restorative import services
from victory.restorative.models import (
    CloseReason,
    Evaluation,
    Participant,
    RestorativeProcess,
    SessionStatus,
    Stage,
)
from victory.restorative.safeguards import Safeguard

pytestmark = pytest.mark.django_db

INBOX = "/en/inbox/report/restorative/"


def reported_programme() -> tuple[Programme, str]:
    """A programme whose case was opened from a report; the report's receipt."""
    p = programme()
    sent = make_report(organisation=p.support)
    p.case.report = sent.report
    p.case.save(update_fields=["report"])
    return p, sent.receipt


def with_session(p: Programme, process: RestorativeProcess, people: tuple[Participant, Participant]) -> None:
    start, end = tomorrow_at(10)
    services.session_schedule(
        actor=p.facilitator.user,
        process=process,
        starts_at=start,
        ends_at=end,
        place="Room 2, Rua Example 1 (fictional)",
        participants=list(people),
    )


def closed(p: Programme, process: RestorativeProcess) -> RestorativeProcess:
    return services.process_close(
        actor=p.facilitator.user, process=process, reason=CloseReason.PARTY_DECLINED, expected_version=None
    )


def test_the_page_shows_the_reports_process_and_never_the_other_person(client: Client) -> None:
    p, receipt = reported_programme()
    process, people = in_dialogue(p)
    with_session(p, process, people)
    other, _other_receipt = reported_programme()
    in_dialogue(other)
    inbox_login(client, receipt)
    page = client.get(INBOX)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    shown = page.content.decode()
    assert "<title>Your report – VicTory</title>" in shown
    assert p.service.name in shown and other.service.name not in shown
    assert "The dialogue is taking place" in shown and "Your next meeting" in shown
    assert "Rui Example" not in shown and "Room 2" not in shown
    assert reverse("restorative:information_sheet", kwargs={"version": "2026-12"}) in shown
    assert reverse("restorative:what_is") in shown
    assert 'href="/pt/restorative-dialogue/information-sheet/2026-12/" hreflang="pt" lang="pt">Português</a>' in shown
    assert reverse("restorative:inbox_withdraw", args=[people[0].pk]) in shown


def test_the_next_meeting_is_shown_in_its_own_time_zone(client: Client) -> None:
    p, receipt = reported_programme()
    process, people = in_dialogue(p)
    start = (timezone.now() + timedelta(days=2)).replace(hour=9, minute=30, second=0, microsecond=0)
    services.session_schedule(
        actor=p.facilitator.user,
        process=process,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="https://meet.example/room (fictional)",
        participants=list(people),
        time_zone="Europe/Lisbon",
        remote=True,
    )
    inbox_login(client, receipt)
    shown = client.get(INBOX).content.decode()
    lisbon = start.astimezone(zoneinfo.ZoneInfo("Europe/Lisbon"))
    assert f'<time datetime="{lisbon.isoformat()}">' in shown and "(Europe/Lisbon)" in shown
    assert "meet.example" not in shown


def test_the_sharing_page_links_to_it(client: Client) -> None:
    p, receipt = reported_programme()
    in_dialogue(p)
    inbox_login(client, receipt)
    assert reverse("restorative:inbox") in client.get("/en/inbox/report/sharing/").content.decode()


def test_a_person_stops_from_their_inbox_and_everything_stops(client: Client) -> None:
    p, receipt = reported_programme()
    process, people = in_dialogue(p)
    with_session(p, process, people)
    inbox_login(client, receipt)
    stop = reverse("restorative:inbox_withdraw", args=[people[0].pk])
    confirm = client.get(stop).content.decode()
    assert "the restorative dialogue stops at once" in confirm and "held against you" in confirm
    assert client.post(stop)["Location"] == reverse("restorative:inbox")
    process = fresh(process)
    assert process.is_halted
    assert list(process.sessions.values_list("status", flat=True)) == [SessionStatus.CANCELLED]
    after = client.get(INBOX).content.decode()
    assert "This took effect at once" in after and "You stopped taking part on" in after
    assert stop not in after  # no second "I want to stop"


def test_stopping_needs_a_post_with_the_csrf_token(client: Client) -> None:
    p, receipt = reported_programme()
    process, people = in_dialogue(p)
    inbox_login(client, receipt)
    client.handler.enforce_csrf_checks = True  # from here on, as a browser would be held to it
    stop = reverse("restorative:inbox_withdraw", args=[people[0].pk])
    assert client.post(stop).status_code == 403
    assert not fresh(process).is_halted
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(stop).content.decode())
    assert token is not None
    assert client.post(stop, {"csrfmiddlewaretoken": token.group(1)}).status_code == 302
    assert fresh(process).is_halted


def test_another_reports_participant_is_not_found(client: Client) -> None:
    p, receipt = reported_programme()
    in_dialogue(p)
    other, _other_receipt = reported_programme()
    foreign_process, foreign_people = in_dialogue(other)
    inbox_login(client, receipt)
    for name in ("restorative:inbox_withdraw", "restorative:inbox_evaluation"):
        url = reverse(name, args=[foreign_people[0].pk])
        assert client.get(url).status_code in (404, 302)
        assert client.post(url).status_code == 404
    assert client.get(reverse("restorative:inbox_withdraw", args=[foreign_people[0].pk])).status_code == 404
    assert not fresh(foreign_process).is_halted


def test_the_page_needs_the_receipt(client: Client) -> None:
    assert client.get(INBOX)["Location"] == reverse("reports:inbox_login")


def test_the_questionnaire_after_closure_refuses_out_of_range_answers_and_keeps_the_rest(client: Client) -> None:
    p, receipt = reported_programme()
    process, people = in_dialogue(p)
    inbox_login(client, receipt)
    assert "How was it for you?" not in client.get(INBOX).content.decode()
    closed(p, process)
    assert "How was it for you?" in client.get(INBOX).content.decode()
    url = reverse("restorative:inbox_evaluation", args=[people[0].pk])
    answer = client.post(url, {"felt_safe": "4", "was_heard": "9", "sense_of_justice": "3", "satisfaction": "5"})
    assert answer.status_code == 400
    shown = answer.content.decode()
    assert "Choose a number from 1 to 5 for “I was heard”." in shown
    assert "There is a problem" in shown and "<title>Error: Your report – VicTory</title>" in shown
    for name, value in (("felt_safe", "4"), ("sense_of_justice", "3"), ("satisfaction", "5")):
        assert re.search(rf'<input[^>]*name="{name}" value="{value}"[^>]*checked', shown), name  # kept
    assert not Evaluation.objects.exists()
    sent = client.post(url, {"felt_safe": "4", "was_heard": "5", "sense_of_justice": "3", "satisfaction": "5"})
    assert sent.status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.felt_safe, evaluation.was_heard, evaluation.role) == (4, 5, "person_harmed")
    assert "You sent your answers" in client.get(INBOX).content.decode()
    client.post(url, {"felt_safe": "1", "was_heard": "1", "sense_of_justice": "1", "satisfaction": "1"})
    assert Evaluation.objects.count() == 1  # once from this session
    other_browser = Client()
    inbox_login(other_browser, receipt)
    assert "How was it for you?" not in other_browser.get(INBOX).content.decode()
    other_browser.post(url, {"felt_safe": "1", "was_heard": "1", "sense_of_justice": "1", "satisfaction": "1"})
    assert Evaluation.objects.count() == 1  # once, from any browser


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("restorative:what_is", {}),
        ("restorative:information_sheet", {"version": "2026-12"}),
        ("restorative:guidelines", {}),
    ],
)
def test_the_public_pages_render_in_each_language(
    client: Client, lang: str, name: str, kwargs: dict[str, object]
) -> None:
    from django.utils import translation

    with translation.override(lang):
        url = reverse(name, kwargs=kwargs)
    assert url.startswith(f"/{lang}/")
    page = client.get(url)
    assert page.status_code == 200 and not page.cookies  # a public page sets no cookie
    shown = page.content.decode()
    assert f'<html lang="{lang}"' in shown
    assert 'href="tel:112"' in shown or name == "restorative:guidelines"
    if name == "restorative:guidelines":
        with translation.override(lang):
            for safeguard in Safeguard:
                assert f"<code>{safeguard.value}</code>" in shown
                assert str(safeguard.label) in shown.replace("&#x27;", "'")
            stages = [str(stage.label) for stage in Stage]
        positions = [shown.index(label) for label in stages]
        assert positions == sorted(positions)
        # The Directive as each language abbreviates the Union (EU, UE in Spanish, EB in Basque).
        assert re.search(r"2012/29/(EU|UE|EB)\b", shown) and "CM/Rec(2018)8" in shown


def test_an_unknown_sheet_version_is_not_found(client: Client) -> None:
    assert client.get("/en/restorative-dialogue/information-sheet/1999-01/").status_code == 404


def test_the_sheet_prints_with_its_own_styles(client: Client) -> None:
    sheet = client.get(reverse("restorative:information_sheet", kwargs={"version": "2026-12"})).content.decode()
    styles = static("css/restorative-print.css")
    assert f'href="{styles}" media="print"' in sheet
    css = Path(str(finders.find("css/restorative-print.css"))).read_text()
    assert ".exit-this-page" in css
