from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `lnob token USERNAME`; here they can only be reviewed and revoked."""

    list_display = ("user", "name", "created_at", "revoked")
    list_filter = ("revoked",)
    readonly_fields = ("user", "name", "digest", "created_at")
    list_editable = ("revoked",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
