"""A topology is a named series of immutable revisions of one format-1 document.

Ids and view-link tokens are 128 random bits (URL-safe base64, 22 characters): unguessable, so a
link is the only way in. A topology belongs to an account or, for an anonymous visitor, to an owner
token kept in that browser's session (it survives signing in, which then claims it).
"""

import secrets

from django.conf import settings
from django.db import models


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Topology(models.Model):
    id = models.CharField(primary_key=True, max_length=32, default=new_token, editable=False)
    share_token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    name = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="topologies"
    )
    anonymous_owner = models.CharField(max_length=32, blank=True, db_index=True)
    forked_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="forks"
    )
    # A fork made through a view link links back to that link, never to the original's id (which
    # would give its reader more than the link did).
    forked_via_view_link = models.BooleanField(default=False, db_default=False)
    latest_revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.name or 'Untitled'} ({self.id})"

    @property
    def edit_url(self) -> str:
        return f"/t/{self.id}"

    @property
    def view_url(self) -> str:
        return f"/v/{self.share_token}"

    @property
    def forked_from_url(self) -> str | None:
        """Where the original of a fork can be opened, by the same way the forker came to it."""
        if self.forked_from is None:
            return None
        return self.forked_from.view_url if self.forked_via_view_link else self.forked_from.edit_url


class Revision(models.Model):
    topology = models.ForeignKey(Topology, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # A draft is work in progress saved with problems (as the engine's validation listed them when
    # it was saved), so that nothing is lost; it cannot run until a later revision fixes them.
    # Database defaults too: a process still running the previous code can go on inserting.
    problems = models.JSONField(default=list, db_default=models.Value("[]"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            # The last guard against two saves taking the same number: one of them fails (409).
            models.UniqueConstraint(fields=["topology", "number"], name="one_revision_per_number"),
        ]

    def __str__(self) -> str:
        return f"{self.topology_id} r{self.number}{' (draft)' if self.draft else ''}"

    @property
    def draft(self) -> bool:
        return bool(self.problems)
