from django.conf import settings
from django.db import models

from playground.topologies.models import Topology, new_token


class Run(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.CharField(primary_key=True, max_length=32, default=new_token, editable=False)
    topology = models.ForeignKey(
        Topology, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    revision = models.PositiveIntegerField(null=True, blank=True)
    document = models.JSONField(help_text="the document as run, scenario events injected live included")
    seed = models.PositiveBigIntegerField(default=0)
    speed = models.CharField(
        max_length=16, default="max", help_text="'max' or simulated seconds per wall second"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    anonymous_owner = models.CharField(max_length=32, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.FloatField(default=0.0)
    results = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    worker = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="last sign of life from the worker")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"run {self.id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def ws_url(self) -> str:
        return f"/ws/runs/{self.id}/"
