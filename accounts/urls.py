from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/followers/", views.account_record_followers, name="followers"),
    path("<int:pk>/transition/<slug:action>/", views.account_transition, name="transition"),
    path("<int:pk>/public-change/<int:change_pk>/<slug:action>/", views.public_change_act, name="public_change"),
]
