"""The audit trail in the Django admin: readable, never added to, changed or deleted."""

from django.contrib import admin

from audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "ip_address", "action", "object_type", "object_id", "unit")
    list_filter = ("action", "object_type", ("at", admin.DateFieldListFilter))
    search_fields = ("user__username", "object_id", "reason", "unit__name", "unit__code")
    list_select_related = ("user", "unit")
    date_hierarchy = "at"
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
