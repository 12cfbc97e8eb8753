"""Accounts' recurring jobs (found by ``victory.core.schedule``)."""

from datetime import timedelta

from victory.accounts.tasks import api_tokens_prune_expired
from victory.core.schedule import ScheduledJob

JOBS = (ScheduledJob("api_tokens_prune_expired", api_tokens_prune_expired, every=timedelta(hours=1)),)
