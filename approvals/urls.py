from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/submit/", views.request_submit, name="submit"),
    path("<int:pk>/ask-submission/", views.request_ask_submission, name="ask_submission"),
    path("<int:pk>/vote/", views.request_vote, name="vote"),
    path("<int:pk>/comment/", views.request_comment, name="comment"),
    path("<int:pk>/decide/", views.request_decide, name="decide"),
    path("<int:pk>/form4.pdf", views.request_form4_pdf, name="form4_pdf"),
]
