from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("accounts/<int:pk>/policy/", views.policy_overview, name="overview"),
    path("accounts/<int:pk>/policy/draft/", views.policy_draft_edit, name="draft"),
    path("accounts/<int:pk>/policy/draft/start/", views.policy_draft_start, name="draft_start"),
    path("accounts/<int:pk>/policy/draft.pdf", views.policy_draft_pdf, name="draft_pdf"),
    path("accounts/<int:pk>/policy/issue/", views.policy_issue, name="issue"),
    path("accounts/<int:pk>/policy/v<int:number>/", views.policy_version, name="version"),
    path("accounts/<int:pk>/policy/v<int:number>.pdf", views.policy_version_pdf, name="version_pdf"),
]
