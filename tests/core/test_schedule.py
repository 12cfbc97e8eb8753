"""Scheduled jobs are declared once and enqueued when due, not more often."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from tests.factories import UserFactory
from victory.accounts.models import ApiToken
from victory.core.schedule import schedule_enqueue_due, schedule_jobs

pytestmark = pytest.mark.django_db


def test_every_job_is_enqueued_once_per_interval(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    now = timezone.now()
    jobs = schedule_jobs()
    names = {job.name for job in jobs}
    # Each app's jobs are found, core's own and the apps' alike.
    assert {"sessions_clear_expired", "api_tokens_prune_expired", "reports_erase_expired"} <= names
    with django_capture_on_commit_callbacks(execute=True):
        assert set(schedule_enqueue_due(now=now)) == names
        assert schedule_enqueue_due(now=now + timedelta(minutes=1)) == []
        shortest = min(jobs, key=lambda job: job.every)
        assert shortest.name in schedule_enqueue_due(now=now + shortest.every)


def test_the_token_pruning_job_removes_only_expired_tokens(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    user = UserFactory()
    now = timezone.now()
    ApiToken.objects.create(user=user, digest="a" * 64, expires_at=now - timedelta(minutes=1))
    live = ApiToken.objects.create(user=user, digest="b" * 64, expires_at=now + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        schedule_enqueue_due(now=now)  # the test settings run tasks at once
    assert list(ApiToken.objects.all()) == [live]
