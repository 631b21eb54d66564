from django.urls import path

from . import views

urlpatterns = [
    path("", views.fair_list, name="fairs_index"),
    path("new/", views.fair_new, name="fairs_new"),
    path("<int:pk>/", views.fair_detail, name="fairs_detail"),
    path("<int:pk>/edit/", views.fair_edit, name="fairs_edit"),
    path("<int:pk>/hold/", views.fair_status, {"action": "hold"}, name="fairs_hold"),
    path("<int:pk>/close/", views.fair_status, {"action": "close"}, name="fairs_close"),
    path("<int:pk>/recruiters/new/", views.recruiter_add, name="fairs_recruiter_add"),
    path("recruiters/<int:pk>/vacancies/new/", views.vacancy_add, name="fairs_vacancy_add"),
    path("<int:pk>/attendees/", views.attendee_list, name="fairs_attendees"),
    path("<int:pk>/attendees/new/", views.attendee_add, name="fairs_attendee_add"),
    path("attendees/<int:pk>/interest/", views.interest_add, name="fairs_interest_add"),
    path("applications/<int:pk>/interviewed/", views.interviewed, name="fairs_interviewed"),
    path("applications/<int:pk>/outcome/", views.outcome, name="fairs_outcome"),
    path("persons/<int:pk>/", views.person_fairs, name="fairs_person"),
]
