from django.urls import path

from . import incident_views

app_name = "archive"

urlpatterns = []

# --- an incident's evidence picked from the archive (issue 22, G-4-3-カ) ------------------------------
urlpatterns += [
    path("incidents/<int:pk>/posts/", incident_views.incident_posts, name="incident_posts"),
]
