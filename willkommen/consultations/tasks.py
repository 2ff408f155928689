"""Background work: the daily retention run.

``manage.py apply_retention`` (run daily by cron or a systemd timer, see
docs/consultations.md) enqueues this task; ``--now`` runs it in the foreground.
"""

import logging

from django_tasks import task

from .retention import apply_retention

logger = logging.getLogger(__name__)


@task()
def apply_retention_task():
    result = apply_retention()
    for line in result.lines():
        logger.info("retention: %s", line)
    return result.counts
