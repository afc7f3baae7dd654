from django.urls import path

from . import registry

app_name = "registry"

urlpatterns = [
    path("", registry.registry_list, name="list"),
    path("verify", registry.registry_verify, name="verify"),
    path("accounts.json", registry.registry_json, name="json"),
    path("accounts.csv", registry.registry_csv, name="csv"),
]
