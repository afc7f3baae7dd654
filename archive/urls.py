from django.urls import path

from . import incident_views, retention_views

app_name = "archive"

urlpatterns = []

# --- an incident's evidence picked from the archive (issue 22, G-4-3-カ) ------------------------------
urlpatterns += [
    path("incidents/<int:pk>/posts/", incident_views.incident_posts, name="incident_posts"),
]

# --- Retention (公文書管理) and posts recorded by hand (issue 22: retention, LINE) ----------------------
urlpatterns += [
    path("retention/", retention_views.retention_list, name="retention"),
    path("retention/account/<int:account_pk>/", retention_views.retention_account, name="retention_account"),
    path("retention/decision/<int:pk>/", retention_views.decision_detail, name="decision"),
    path("retention/decision/<int:pk>/decide/", retention_views.decision_decide, name="decide"),
    path("account/<int:account_pk>/retention/", retention_views.retention_set, name="retention_set"),
    path("account/<int:account_pk>/record/", retention_views.record_by_hand, name="record"),
]
