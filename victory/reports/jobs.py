"""Reports' recurring jobs (found by ``victory.core.schedule``)."""

from datetime import timedelta

from victory.core.schedule import ScheduledJob
from victory.reports.tasks import reports_erase_expired_task

# Hourly, so a reporter's deletion request is honoured within the hour.
JOBS = (ScheduledJob("reports_erase_expired", reports_erase_expired_task, every=timedelta(hours=1)),)
