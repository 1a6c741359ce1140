from django.contrib import admin

from .models import Unit, UnitAttribute, UnitLineage


class UnitAttributeInline(admin.TabularInline):
    model = UnitAttribute
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("ref", "code", "name", "kind", "parent", "valid_from", "valid_to")
    list_filter = ("kind", "valid_to")
    search_fields = ("name", "code", "ref")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    inlines = [UnitAttributeInline]


@admin.register(UnitLineage)
class UnitLineageAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "kind", "date", "legal_basis")
    list_filter = ("kind", "date")
    search_fields = ("predecessor__name", "predecessor__code", "successor__name", "successor__code")
    list_select_related = ("predecessor", "successor")
    raw_id_fields = ("predecessor", "successor")
