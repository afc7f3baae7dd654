from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("", views.screen, name="screen"),
    path("records/", views.records, name="records"),
    path("api", views.api, name="api"),
    # --- 決裁 before posting (issue 25, G-4-3-ア) ---
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/new/", views.draft_new, name="draft_new"),
    path("drafts/<int:pk>/", views.draft_detail, name="draft"),
    path("drafts/<int:pk>/decide/", views.draft_decide_view, name="draft_decide"),
    path("drafts/<int:pk>/link/", views.draft_link, name="draft_link"),
    path("drafts/<int:pk>/images/<int:image_pk>/", views.draft_image, name="draft_image"),
    path("account/<int:account_pk>/deputy/", views.deputy, name="deputy"),
]
