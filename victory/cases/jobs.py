"""Cases' recurring jobs (found by ``victory.core.schedule``)."""

from datetime import timedelta

from victory.cases.tasks import cases_reduce_expired_task
from victory.core.schedule import ScheduledJob

# Daily: retention is counted in days, and each run takes every case that expired since.
JOBS = (ScheduledJob("cases_reduce_expired", cases_reduce_expired_task, every=timedelta(days=1)),)
