"""What the Django admin may do with the application's data.

The services (each app's services.py) own every write of units, lineage, criteria, values,
evaluations, roadmaps, reports, roles and second-factor devices, and write an audit record with
each. The admin must not bypass them: those models are shown read-only (ReadOnlyAdminMixin).
What stays writable in the admin (users themselves, groups) writes an audit record for every
addition, change and deletion (AuditedAdminMixin), like the services do.
"""

from __future__ import annotations

from audit import services as audit


class ReadOnlyAdminMixin:
    """No add, change or delete permission, for anyone (superusers included); no bulk actions."""

    actions = None

    def has_add_permission(self, request, obj=None):  # inlines pass obj
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _client_ip(request):
    from accounts.security import client_ip

    return client_ip(request)


class AuditedAdminMixin:
    """Every addition, change and deletion through the admin writes an audit record
    ("admin.add", "admin.change", "admin.delete") next to Django's own admin log entry.

    `audit_snapshot(obj)` (override it) gives the state recorded before and after a change."""

    def audit_snapshot(self, obj) -> dict:
        return {"repr": str(obj)}

    def _audit(self, request, action: str, obj, *, before=None, after=None, message="") -> None:
        audit.record(
            action=action, object_type=obj._meta.label_lower, object_id=obj.pk, user=request.user,
            before=before, after=after, reason=str(message or "")[:500],
            ip_address=_client_ip(request),
        )

    def save_model(self, request, obj, form, change):
        if change and obj.pk is not None:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
            obj._ntm_audit_before = self.audit_snapshot(previous) if previous is not None else None
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit(request, "admin.add", obj, after=self.audit_snapshot(obj), message=entry_message(entry))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit(request, "admin.change", obj, before=getattr(obj, "_ntm_audit_before", None),
                    after=self.audit_snapshot(obj), message=entry_message(entry))
        return entry

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, "admin.delete", obj, before=self.audit_snapshot(obj))
        return super().log_deletions(request, queryset)


def entry_message(entry) -> str:
    """The admin log entry's change message in words (which fields changed)."""
    if isinstance(entry, list):  # log_actions returns a list unless single_object
        entry = entry[0] if entry else None
    return entry.get_change_message() if entry is not None else ""
