from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="subsidies_index"),
    path("transport/", views.transport, name="subsidies_transport"),
    path("transport/compute/", views.transport_compute, name="subsidies_transport_compute"),
    path("transport/approve/", views.transport_approve, name="subsidies_transport_approve"),
    path("transport/new/", views.claim_add, name="subsidies_claim_add"),
    path("transport/bank.<str:fmt>", views.bank_export, name="subsidies_bank_export"),
    path("transport/<int:pk>/", views.claim, name="subsidies_claim"),
    path("insurance/", views.evidence, name="subsidies_evidence"),
    path("insurance/<int:pk>/spell/", views.evidence_spell, name="subsidies_evidence_spell"),
    path("persons/<int:pk>/", views.person, name="subsidies_person"),
]
