"""The configuration layer's own page: the sysadmin's settings, one entry in the menu (issue 24).

The sysadmin's pages live in the apps that own what they manage (the platforms' credentials, the API's
tokens, the peers' registries, the sign-in lockouts, the Django admin); the menu has one link to this
list of them, so that the sysadmin's menu still fits one line at a PC's width.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import can_manage_peers
from api.permissions import can_manage_api_tokens
from org.permissions import can_view_lockouts, ensure_can_use_system_page
from platforms.permissions import can_manage_credentials


@login_required
@require_safe
def system(request):
    user = request.user
    ensure_can_use_system_page(user)
    return render(
        request,
        "system.html",
        {
            "may_manage_credentials": can_manage_credentials(user),
            "may_manage_api_tokens": can_manage_api_tokens(user),
            "may_manage_peers": can_manage_peers(user),
            "may_view_lockouts": can_view_lockouts(user),
        },
    )
