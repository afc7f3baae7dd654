from django.urls import path

from . import views

app_name = "platforms"

urlpatterns = [
    path("credentials/", views.credential_list, name="credentials"),
    path("credentials/register/", views.credential_register, name="credential_register"),
    path("credentials/<int:pk>/retire/", views.credential_retire, name="credential_retire"),
]
