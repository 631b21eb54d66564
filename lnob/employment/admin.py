"""The admin is for configuration only: the employment rules (subsidy amounts, criteria, tiers)."""

from django.contrib import admin

from .models import EmploymentPolicy


@admin.register(EmploymentPolicy)
class EmploymentPolicyAdmin(admin.ModelAdmin):
    list_display = ("kind", "name", "area_code", "effective_from", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "source")
