from django.contrib import admin

from accounts.admin_base import ReadOnlyAdminMixin
from portal.models import PortalSettings, PublishedPeriod


@admin.register(PortalSettings)
class PortalSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the office changes them at /cong-khai/quan-ly/cai-dat/ (audited)."""

    list_display = ["show_computed_criteria", "two_person_publish", "last_verified_at"]


@admin.register(PublishedPeriod)
class PublishedPeriodAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["period", "published_at"]
    exclude = ["published_by"]
