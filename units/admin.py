"""Units, their attributes and lineage in the Django admin: read-only. They are loaded and changed
by the unit services and commands (each write with its audit record), never here."""

from django.contrib import admin

from accounts.admin_base import ReadOnlyAdminMixin

from .models import Unit, UnitAttribute, UnitLineage


class UnitAttributeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = UnitAttribute
    extra = 0


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("ref", "code", "name", "kind", "parent", "valid_from", "valid_to")
    list_filter = ("kind", "valid_to")
    search_fields = ("name", "code", "ref")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    inlines = [UnitAttributeInline]


@admin.register(UnitLineage)
class UnitLineageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("predecessor", "successor", "kind", "date", "legal_basis")
    list_filter = ("kind", "date")
    search_fields = ("predecessor__name", "predecessor__code", "successor__name", "successor__code")
    list_select_related = ("predecessor", "successor")
    raw_id_fields = ("predecessor", "successor")
