from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    # --- search, a post, the export (issue 22: 情報公開請求) ---
    path("", views.search, name="search"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("export/", views.export, name="export"),
]
