from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("policy/", views.policy_list, name="policy_list"),
    path("policy/new", views.policy_create, name="policy_create"),
    path("policy/<int:pk>/activate", views.policy_activate, name="policy_activate"),
    path("policy/<int:pk>/rules/", views.policy_rules, name="policy_rules"),
    path("policy/<int:pk>/rules/new", views.rule_edit, name="rule_new"),
    path("policy/<int:pk>/rules/<slug:code>", views.rule_edit, name="rule_edit"),
    path("policy/<int:pk>/what-if", views.policy_what_if, name="policy_what_if"),
    path("sweeps/", views.sweep_list, name="sweep_list"),
    path("sweeps/<int:pk>/", views.sweep_detail, name="sweep_detail"),
    path("leads/", views.lead_list, name="lead_list"),
    path("dashboard/", views.dashboard, name="monitoring_dashboard"),
]

urlpatterns += [
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/notice", views.case_notice, name="case_notice"),
]

urlpatterns += [path("households/<str:number>/report", views.household_report, name="household_report")]
urlpatterns += [
    path("households/<str:number>/elimination", views.household_elimination, name="household_elimination")
]
