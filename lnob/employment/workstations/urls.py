from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="workstations_index"),
    path("new/", views.station_new, name="workstations_new"),
    path("<int:pk>/", views.detail, name="workstations_detail"),
    path("<int:pk>/edit/", views.station_edit, name="workstations_edit"),
    path("<int:pk>/placements/new/", views.placement_new, name="workstations_placement_new"),
    path("<int:pk>/vacancies/new/", views.vacancy_new, name="workstations_vacancy_new"),
    path("<int:pk>/vacancies/<int:vacancy>/close/", views.vacancy_close, name="workstations_vacancy_close"),
    path("<int:pk>/employers/new/", views.employer_new, name="workstations_employer_new"),
    path("<int:pk>/disputes/new/", views.dispute_new, name="workstations_dispute_new"),
    path("<int:pk>/visits/new/", views.visit_new, name="workstations_visit_new"),
    path("disputes/<int:pk>/", views.dispute_detail, name="workstations_dispute"),
]
