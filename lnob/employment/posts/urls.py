from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="posts_index"),
    path("new/", views.post_create, name="posts_create"),
    path("<int:pk>/", views.post_detail, name="posts_detail"),
    path("<int:pk>/close/", views.post_close, name="posts_close"),
    path("<int:pk>/sign/", views.agreement_sign, name="posts_sign"),
    path("agreements/<int:pk>/", views.agreement_detail, name="posts_agreement"),
    path("agreements/<int:pk>/end/", views.agreement_end, name="posts_agreement_end"),
    path("attendance/", views.attendance_sheet, name="posts_attendance"),
    path("attendance/<int:pk>/", views.attendance_save, name="posts_attendance_save"),
    path("attendance/pay/<int:pk>/", views.attendance_pay, name="posts_attendance_pay"),
    path("attendance/pay-month/", views.attendance_pay_month, name="posts_attendance_pay_month"),
]
