"""Append-only audit trail: who changed what, when, from where, before and after, and why."""

from django.conf import settings
from django.db import models


class AuditRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("Audit records cannot be changed")

    def delete(self):
        raise PermissionError("Audit records cannot be deleted")


class AuditRecord(models.Model):
    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records cannot be deleted")


class CommitMark(models.Model):
    """One row per committed transaction that wrote audit records, numbered when it commits.

    On PostgreSQL a trigger inserts it after the first audit insert of a transaction and a
    deferred one gives it its id at COMMIT (migration 0002): unlike the audit ids, taken while a
    long import runs, these ids follow the order of the commits give or take the few
    transactions committing at the same instant, so the last id and a count of the last few ids
    change with every committed write (the page caches' data version,
    dashboard.summary.data_version). SQLite has no such trigger and needs none: it runs one
    writer at a time, so the last audit id already moves in commit order."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return f"commit {self.pk}"
