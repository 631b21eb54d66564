from django.urls import path

from . import views

urlpatterns = [
    path("", views.workshop_index, name="workshops_index"),
    path("new/", views.workshop_create, name="workshops_create"),
    path("check/", views.workshop_check, name="workshops_check"),
    path("claims/", views.claim_list, name="workshops_claims"),
    path("claims/<int:pk>/", views.claim_detail, name="workshops_claim"),
    path("claims/<int:pk>/evidence/", views.claim_evidence, name="workshops_claim_evidence"),
    path("<int:pk>/", views.workshop_detail, name="workshops_detail"),
    path("<int:pk>/edit/", views.workshop_edit, name="workshops_edit"),
    path("<int:pk>/recognise/", views.workshop_recognise, name="workshops_recognise"),
    path("<int:pk>/close/", views.workshop_close, name="workshops_close"),
    path("<int:pk>/workers/join/", views.worker_join, name="workshops_join"),
    path("<int:pk>/workers/<int:spell>/leave/", views.worker_leave, name="workshops_leave"),
    path("<int:pk>/claims/new/", views.claim_create, name="workshops_claim_create"),
]
