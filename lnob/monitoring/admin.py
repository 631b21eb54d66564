from django.contrib import admin

from .models import MonitoringCategory, PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "area_code", "effective_from", "status", "threshold_yuan", "decision_days")
    list_filter = ("status",)
    search_fields = ("name",)


@admin.register(MonitoringCategory)
class MonitoringCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "sort")
