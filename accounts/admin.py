"""Users in the Django admin: with their profile, and never deleted (deactivate instead).

Roles (profiles), organisations and second-factor devices belong to the account services (and
the pages built on them): the admin shows them read-only. Only a superuser may add or change a
user here, and each addition or change writes an audit record (accounts.admin_base)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OTPTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin_base import AuditedAdminMixin, ReadOnlyAdminMixin
from accounts.models import AgencyAssignment, Organisation, Profile

User = get_user_model()


class ProfileInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0
    max_num = 1
    raw_id_fields = ("scope_unit",)


for model in (User, Group, TOTPDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class SuperuserWritesMixin:
    """Staff members who are not superusers only read."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, SuperuserWritesMixin, DjangoUserAdmin):
    inlines = [ProfileInline]

    def audit_snapshot(self, obj) -> dict:
        return {
            "username": obj.username, "full_name": obj.get_full_name(), "email": obj.email,
            "is_active": obj.is_active, "is_staff": obj.is_staff, "is_superuser": obj.is_superuser,
            "groups": sorted(obj.groups.values_list("name", flat=True)) if obj.pk else [],
            "permissions": obj.user_permissions.count() if obj.pk else 0,
        }

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, SuperuserWritesMixin, DjangoGroupAdmin):
    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def audit_snapshot(self, obj) -> dict:
        return {"name": obj.name,
                "permissions": sorted(obj.permissions.values_list("codename", flat=True)) if obj.pk else []}


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ReadOnlyAdminMixin, OTPTOTPDeviceAdmin):
    """Devices are enrolled and removed by their owner on the two-factor page (audited)."""


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "unit", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")


@admin.register(AgencyAssignment)
class AgencyAssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", "criteria_set_code", "criterion_code")
    list_filter = ("criteria_set_code",)
