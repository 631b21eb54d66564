from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("areas/<int:code>/", views.area_detail, name="area_detail"),
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<str:number>/", views.household_detail, name="household_detail"),
    path("households/<str:number>/members/new/", views.member_add, name="member_add"),
    path("households/<str:number>/members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("households/<str:number>/incomes/new/", views.income_add, name="income_add"),
    path("households/<str:number>/expenditures/new/", views.expenditure_add, name="expenditure_add"),
    path("households/<str:number>/shocks/new/", views.shock_add, name="shock_add"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("audit/", views.audit_list, name="audit_list"),
]
