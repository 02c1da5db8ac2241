"""`python manage.py fail_orphaned_runs`: run by `make run` before it starts the processes.

The embedded Redis keeps nothing on disk, so when archplay starts again every run that was queued or
running has lost its task message and its worker: left alone it would stay "queued" or "running"
for ever. With an external Redis (`REDIS_URL`) tasks survive a restart and nothing is touched.
"""

from django.core.management.base import BaseCommand

from playground import runtime
from playground.runs.services import runs_fail_orphaned


class Command(BaseCommand):
    help = "Mark runs left queued or running by a previous start (embedded Redis only) as failed."

    def handle(self, *args, **options) -> None:
        if not runtime.uses_embedded_redis():
            return
        count = runs_fail_orphaned()
        if count:
            self.stdout.write(f"{count} run(s) left unfinished by the previous start marked failed")
