"""The supervisor's dashboard: overdue reviews and figures with small counts suppressed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import login
from victory.restorative import selectors, services
from victory.restorative.models import RestorativeProcess, SupervisionReview

from .helpers import accepted, programme

pytestmark = pytest.mark.django_db


def test_a_review_older_than_the_period_is_overdue_and_shows_on_the_dashboard() -> None:
    p = programme()
    process = accepted(p)
    review = services.review_record(actor=p.supervisor.user, process=process)
    assert selectors.dashboard(user=p.supervisor.user).overdue == []
    SupervisionReview.objects.filter(pk=review.pk).update(reviewed_at=timezone.now() - timedelta(weeks=13))
    board = selectors.dashboard(user=p.supervisor.user)
    assert [row.pk for row in board.overdue] == [process.pk]
    page = login(Client(), p.supervisor).get("/en/staff/restorative/dashboard/").content.decode()
    overdue_part = page.split('id="overdue"')[1].split('id="pending"')[0]
    assert process.reference in overdue_part


def test_a_process_never_reviewed_is_overdue_after_the_period(settings) -> None:
    settings.RESTORATIVE_REVIEW_WEEKS = 2
    p = programme()
    process = accepted(p)
    RestorativeProcess.objects.filter(pk=process.pk).update(decided_at=timezone.now() - timedelta(weeks=3))
    assert [row.pk for row in selectors.dashboard(user=p.supervisor.user).overdue] == [process.pk]


def test_a_small_figure_is_suppressed_never_shown() -> None:
    p = programme()
    accepted(p)
    figures = {f.label: f for f in selectors.programme_figures(organisation_ids=[p.service.pk])}
    referrals = figures["Referrals"]
    assert referrals.suppressed
    assert referrals.value == "fewer than 5"
    page = login(Client(), p.supervisor).get("/en/staff/restorative/dashboard/").content.decode()
    figures_part = page.split('id="figures"')[1]
    assert "fewer than 5" in figures_part
    assert "<dd>1</dd>" not in figures_part


def test_a_figure_of_five_or_more_is_shown() -> None:
    p = programme()
    for _ in range(5):
        RestorativeProcess.objects.create(
            reference=services.process_reference_new(), organisation=p.service, source="justice", referred_by=p.support
        )
    figures = {f.label: f for f in selectors.programme_figures(organisation_ids=[p.service.pk])}
    assert figures["Referrals"].value == "5"


def test_the_dashboard_is_for_supervisors_only() -> None:
    p = programme()
    for person in (p.facilitator, p.caseworker):
        assert login(Client(), person).get("/en/staff/restorative/dashboard/").status_code == 404
