from django.urls import path

from . import views

app_name = "discovery"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate"),
    path("warnings/", views.warnings, name="warnings"),
    path("warnings/<int:pk>/withdraw/", views.warning_withdraw, name="withdraw"),
]
