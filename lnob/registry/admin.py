from django.contrib import admin

from .models import RiskType


@admin.register(RiskType)
class RiskTypeAdmin(admin.ModelAdmin):
    """Risk types are policy data: counties add local types (e.g. housing, water)."""

    list_display = ("code", "name_zh", "name_en", "sort", "active")
    list_editable = ("sort", "active")
