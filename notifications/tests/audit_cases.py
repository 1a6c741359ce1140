"""Notification cases of assessments/tests/test_every_write_is_audited.py."""

NAMES = {"notifications.services.mark_read"}


def cases(w, user):
    from notifications import services

    return {"notifications.services.mark_read": lambda: services.mark_read(user=user, keys=["report-due:1:u1"])}
