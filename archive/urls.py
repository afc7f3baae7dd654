from django.urls import path

from . import incident_views, match_views, retention_views, views

app_name = "archive"

urlpatterns = [
    # --- search, a post, the export (issue 22: 情報公開請求) ---
    path("", views.search, name="search"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("export/", views.export, name="export"),
]

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

# --- posts matched to their 決裁 (issue 25, G-4-3-ア/カ): the 管理者's queue and its answers -------------
urlpatterns += [
    path("unconfirmed/", match_views.unconfirmed, name="unconfirmed"),
    path("posts/<int:pk>/answer/", match_views.answer, name="answer"),
]
