from django.urls import path

from . import views

urlpatterns = [
    path("persons/<int:pk>/spells/new/", views.spell_add, name="spell_add"),
]
