"""In-app notifications are computed from the data (reports due, returned, roadmap items
overdue: notifications.queries); only what each user marked as read is stored."""

from django.conf import settings
from django.db import models


class NotificationRead(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The notice's stable key (notifications.queries.Notice.key): a new event makes a new key.
    key = models.CharField(max_length=200)
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_notification_read")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
