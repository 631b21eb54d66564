from django.urls import URLPattern, path

from . import views_export, views_import

urlpatterns: list[URLPattern] = [
    path("", views_export.index, name="exchange_index"),
    path("households.<str:fmt>", views_export.households, name="exchange_households"),
    path("spells.<str:fmt>", views_export.spells, name="exchange_spells"),
    path("templates/<str:table>.<str:fmt>", views_export.template, name="exchange_template"),
    path("notice/<int:code>.<str:fmt>", views_export.village_notice, name="exchange_notice"),
    path("imports/", views_import.imports, name="exchange_imports"),
    path("imports/<int:pk>/", views_import.batch_detail, name="exchange_import"),
    path("imports/<int:pk>/progress", views_import.batch_progress, name="exchange_import_progress"),
    path("imports/<int:pk>/commit", views_import.batch_commit, name="exchange_import_commit"),
    path("imports/<int:pk>/discard", views_import.batch_discard, name="exchange_import_discard"),
    path("imports/<int:pk>/errors/<str:table>", views_import.batch_errors, name="exchange_import_errors"),
]
