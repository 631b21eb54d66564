from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="matching_index"),
    path("runs/<int:pk>/", views.run_detail, name="matching_run"),
    path("runs/<int:pk>/status/", views.run_status, name="matching_run_status"),
    path("lines/<int:pk>/", views.line_detail, name="matching_line"),
    path("lines/<int:pk>/dismiss/", views.line_dismiss, name="matching_line_dismiss"),
    path("referrals/", views.referral_list, name="matching_referrals"),
    path("referrals/<int:pk>/", views.referral_detail, name="matching_referral"),
    path("seekers/<int:person>/", views.profile, name="matching_profile"),
]
