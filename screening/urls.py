from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("", views.screen, name="screen"),
    path("records/", views.records, name="records"),
    path("api", views.api, name="api"),
]
