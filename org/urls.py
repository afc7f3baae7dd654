from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/release/", views.lockout_release, name="lockout_release"),
]
