from django.urls import path

from . import registry, reports

app_name = "registry"

urlpatterns = [
    path("", registry.registry_list, name="list"),
    path("verify", registry.registry_verify, name="verify"),
    path("accounts.json", registry.registry_json, name="json"),
    path("accounts.csv", registry.registry_csv, name="csv"),
    # Issue 23 (P-7-2): the impersonators the city confirmed, and residents' reports of a fake.
    path("impersonations.csv", registry.registry_warnings_csv, name="warnings_csv"),
    path("impersonations.atom", registry.registry_warnings_atom, name="warnings_atom"),
    path("report/", reports.registry_report, name="report"),
    path("report/done/", reports.registry_report_done, name="report_done"),
]
