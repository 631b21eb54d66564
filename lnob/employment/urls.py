from django.urls import path

from . import views

urlpatterns = [
    path("persons/<int:pk>/spells/new/", views.spell_add, name="spell_add"),
    path("round/", views.round_village, name="employment_round"),
    path("round/confirm/<int:pk>/", views.round_confirm, name="employment_round_confirm"),
]
