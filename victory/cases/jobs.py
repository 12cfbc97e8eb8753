"""Cases' recurring jobs (found by ``victory.core.schedule``)."""

from datetime import timedelta

from victory.cases.tasks import cases_reduce_expired_task, consents_expire_due_task
from victory.core.schedule import ScheduledJob

# Daily: retention is counted in days, and each run takes every case that expired since.
JOBS = (
    ScheduledJob("cases_reduce_expired", cases_reduce_expired_task, every=timedelta(days=1)),
    # Hourly: the record should say "expired" soon after the day it ends.
    ScheduledJob("consents_expire_due", consents_expire_due_task, every=timedelta(hours=1)),
)
