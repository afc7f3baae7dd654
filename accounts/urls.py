from django.urls import path

from . import peer_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/followers/", views.account_record_followers, name="followers"),
    path("<int:pk>/transition/<slug:action>/", views.account_transition, name="transition"),
    path("<int:pk>/public-change/<int:change_pk>/<slug:action>/", views.public_change_act, name="public_change"),
    # Issue 24: the other municipalities' registries this one reads (the sysadmin's page).
    path("peers/", peer_views.peer_list, name="peers"),
    path("peers/add/", peer_views.peer_add, name="peer_add"),
    path("peers/fetch/", peer_views.peer_fetch_all, name="peer_fetch_all"),
    path("peers/<int:pk>/fetch/", peer_views.peer_fetch, name="peer_fetch"),
    path("peers/<int:pk>/remove/", peer_views.peer_remove, name="peer_remove"),
]
