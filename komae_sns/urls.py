from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from api.v1 import api as api_v1
from core import views as core_views
from org.forms import AdminLoginForm
from org.views import LoginView, PasswordChangeView
from portal import views as portal_views

from . import views

# Issue 21: year-end reviews and suspension plans moved from /monitoring/ to /reviews/ (their app);
# a bookmark of an old page is redirected to its new address, with its number and query.
MOVED_TO_REVIEWS = (
    ("monitoring/reviews/", "reviews:list"),
    ("monitoring/reviews/start/<int:account_pk>/<int:fy>/", "reviews:start"),
    ("monitoring/reviews/<int:pk>/", "reviews:detail"),
    ("monitoring/reviews/<int:pk>/plan/", "reviews:plan_create"),
    ("monitoring/plans/<int:pk>/", "reviews:plan"),
    ("monitoring/dashboard/", "reviews:dashboard"),
    ("monitoring/dashboard/report.pdf", "reviews:report_pdf"),
)

# The admin's sign-in: the sysadmin role only; throttled by django-axes like ours (SPEC §7).
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", portal_views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),
    path("system/", views.system, name="system"),  # issue 24: the sysadmin's pages, one menu entry
    path("notices/", portal_views.notice_list, name="notices"),
    path("notices/read-all/", portal_views.notice_read_all, name="notices_read_all"),
    path("notices/<int:pk>/", portal_views.notice_open, name="notice"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/", include("accounts.urls")),
    path("", include("policies.urls")),
    path("requests/", include("approvals.urls")),
    # Issue 21: the API tokens moved to platforms/; a bookmark of the old page is redirected.
    path(
        "monitoring/credentials/",
        RedirectView.as_view(pattern_name="platforms:credentials", permanent=True, query_string=True),
    ),
    *(
        path(old, RedirectView.as_view(pattern_name=new, permanent=True, query_string=True))
        for old, new in MOVED_TO_REVIEWS
    ),
    path("monitoring/", include("monitoring.urls")),
    path("reviews/", include("reviews.urls")),
    path("archive/", include("archive.urls")),
    path("discovery/", include("discovery.urls")),
    path("platforms/", include("platforms.urls")),
    path("screening/", include("screening.urls")),
    path("registry/", include("accounts.registry_urls")),
    path("security/", include("org.urls")),
    # Issue 24: the API for other tools (django-ninja; its OpenAPI document and docs under it), and the
    # sysadmin's pages of its tokens.
    path("api/v1/", api_v1.urls),
    path("api-tokens/", include("api.urls")),
    re_path(  # issue 21: the admin's pages of the API tokens moved with the model
        r"^admin/monitoring/apicredential/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/platforms/apicredential/%(rest)s", permanent=True, query_string=True),
    ),
    re_path(  # issue 21: the admin's pages of the reviews and plans moved with their models
        r"^admin/monitoring/(?P<model>yearendreview|suspensionplan)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/reviews/%(model)s/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
]
