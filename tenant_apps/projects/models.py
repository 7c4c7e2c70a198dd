from django.conf import settings
from django.db import models


class Project(models.Model):
    """The sample tenant model: it lives in each organisation's schema and carries no tenant key."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Users live in the public schema and are global. No constraint and no cascade across schemas:
    # deleting a user must not visit every organisation's schema (nor fail in the public one).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ProjectActivity(models.Model):
    """What happened to a project, written by a Celery task: the worked example of tenant tasks."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity")
    action = models.CharField(max_length=20)
    actor_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The idempotency key of the task that wrote the row: a redelivered or retried task (acks_late,
    # a commit whose answer was lost when the database restarted) finds its row instead of adding one.
    key = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.project_id}"
