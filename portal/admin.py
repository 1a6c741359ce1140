from django.contrib import admin

from portal.models import PortalSettings, PublishedPeriod


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    list_display = ["show_computed_criteria", "two_person_publish"]


@admin.register(PublishedPeriod)
class PublishedPeriodAdmin(admin.ModelAdmin):
    list_display = ["period", "published_at"]
    exclude = ["published_by", "published_at"]

    def save_model(self, request, obj, form, change):
        obj.published_by = request.user
        super().save_model(request, obj, form, change)
