"""The admin is for configuration: areas and who holds which role where. Registry data is edited
through the app's screens, API and imports, where services validate and scope every write."""

from django.contrib import admin

from .models import Area, RoleAssignment


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # areas are referenced by history; retire them instead of deleting


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "area", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "area__name", "area__code")
    raw_id_fields = ("user", "area")
