from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("policy/", views.policy_list, name="policy_list"),
    path("policy/new", views.policy_create, name="policy_create"),
    path("policy/<int:pk>/activate", views.policy_activate, name="policy_activate"),
]
