from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("start/<int:account_pk>/<int:fy>/", views.review_start, name="start"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/plan/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/report.pdf", views.report_pdf, name="report_pdf"),
]
