from django.urls import path

from . import views, views_employers, views_registers

urlpatterns = [
    path("", views_employers.hub, name="employment_hub"),
    path("employers/", views_employers.employer_list, name="employer_list"),
    path("employers/new/", views_employers.employer_add, name="employer_add"),
    path("employers/<int:pk>/", views_employers.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/vacancies/new/", views_employers.vacancy_add, name="vacancy_add"),
    path("vacancies/", views_employers.vacancy_list, name="vacancy_list"),
    path("vacancies/<int:pk>/close/", views_employers.vacancy_close, name="vacancy_close"),
    path("persons/<int:pk>/spells/new/", views.spell_add, name="spell_add"),
    path("round/", views.round_village, name="employment_round"),
    path("round/confirm/<int:pk>/", views.round_confirm, name="employment_round_confirm"),
    path("registers/", views_registers.register_index, name="register_index"),
    path("registers/<slug:name>/", views_registers.register_upload, name="register_upload"),
    path("registers/<slug:name>/template.xlsx", views_registers.register_template, name="register_template"),
    path("registers/<slug:name>.<str:fmt>", views_registers.register_export, name="register_export"),
]
