from django.urls import path

from . import views, views_rain_dew

urlpatterns = [
    path("", views.index, name="training_index"),
    path("courses/new/", views.course_new, name="training_course_new"),
    path("courses/<int:pk>/", views.course_detail, name="training_course"),
    path("courses/<int:pk>/edit/", views.course_edit, name="training_course_edit"),
    path("courses/<int:pk>/enrol/", views.enrol, name="training_enrol"),
    path("courses/<int:pk>/attendance/", views.attendance, name="training_attendance"),
    path("courses/<int:pk>/complete/", views.course_complete, name="training_course_complete"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="training_enrolment"),
    path("enrolments/<int:pk>/complete/", views.enrolment_complete, name="training_enrolment_complete"),
    path("enrolments/<int:pk>/certificate/", views.certificate, name="training_certificate"),
    path("enrolments/<int:pk>/pay/", views.pay, name="training_pay"),
    path("enrolments/<int:pk>/remove/", views.enrolment_remove, name="training_enrolment_remove"),
    path("persons/<int:pk>/enrol/", views.person_enrol, name="training_person_enrol"),
    path("payments/", views.payments, name="training_payments"),
    path("outcomes/", views.outcomes, name="training_outcomes"),
    path("rain-dew/", views_rain_dew.rain_dew_list, name="training_rain_dew"),
    path("rain-dew/new/", views_rain_dew.rain_dew_new, name="training_rain_dew_new"),
    path("rain-dew/<int:pk>/", views_rain_dew.rain_dew_detail, name="training_rain_dew_detail"),
]
