"""Celery tasks for runs. Thin: load by id, call one service."""

from celery import shared_task
from django.conf import settings

from playground.runs.services import run_execute


@shared_task(name="runs.simulate", soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT)
def simulate(run_id: str) -> None:
    run_execute(run_id=run_id)
