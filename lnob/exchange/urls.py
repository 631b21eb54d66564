from django.urls import URLPattern, path

from . import views_export

urlpatterns: list[URLPattern] = [
    path("", views_export.index, name="exchange_index"),
    path("households.<str:fmt>", views_export.households, name="exchange_households"),
    path("templates/<str:table>.<str:fmt>", views_export.template, name="exchange_template"),
    path("notice/<int:code>.<str:fmt>", views_export.village_notice, name="exchange_notice"),
]
