from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="loans_index"),
    path("entrepreneurs/", views.entrepreneur_list, name="loans_entrepreneur_list"),
    path("entrepreneurs/new/", views.entrepreneur_new, name="loans_entrepreneur_new"),
    path("entrepreneurs/<int:pk>/", views.entrepreneur_detail, name="loans_entrepreneur_detail"),
    path("entrepreneurs/<int:pk>/businesses/new/", views.business_new, name="loans_business_new"),
    path("businesses/", views.business_list, name="loans_business_list"),
    path("businesses/<int:pk>/", views.business_detail, name="loans_business_detail"),
    path("businesses/<int:pk>/status/", views.business_status, name="loans_business_status"),
    path("businesses/<int:pk>/hire/", views.business_hire, name="loans_business_hire"),
    path("loans/", views.loan_list, name="loans_loan_list"),
    path("loans/new/", views.loan_new, name="loans_loan_new"),
    path("loans/<int:pk>/", views.loan_detail, name="loans_loan_detail"),
    path("loans/<int:pk>/repayments/new/", views.repayment_new, name="loans_repayment_new"),
    path("loans/<int:pk>/overdue/", views.loan_overdue, name="loans_loan_overdue"),
    path("loans/<int:pk>/cure/", views.loan_cure, name="loans_loan_cure"),
    path("loans/<int:pk>/write-off/", views.loan_write_off, name="loans_loan_write_off"),
    path("loans/<int:pk>/subsidies/new/", views.subsidy_new, name="loans_subsidy_new"),
    path("overdue/", views.overdue_list, name="loans_overdue"),
]
