from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/new/<int:account_pk>/", views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("incidents/<int:pk>/evidence.pdf", views.incident_pdf, name="incident_pdf"),
    path("incidents/<int:pk>/<slug:action>/", views.incident_act, name="incident_act"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("content-check/<int:account_pk>/", views.content_check, name="content_check"),
    path("check-now/<int:account_pk>/", views.check_now, name="check_now"),
    path("check-now/<int:account_pk>/<uuid:run>/", views.check_result, name="check_result"),
    # G-4-3-カ, P-7-3: what a status check read on the platform, registered or dismissed by the 課長.
    path(
        "platform-proposal/<int:account_pk>/<int:pk>/<slug:action>/",
        views.platform_proposal,
        name="platform_proposal",
    ),
]
