from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("employment/", views.employment, name="measures_employment"),
    path("employment/refresh", views.employment_refresh, name="measures_refresh"),
    path("employment/export.<str:fmt>", views.employment_export, name="measures_export"),
]
