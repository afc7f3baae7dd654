from archive.permissions import can_use_archive
from core.models import Notice
from discovery.permissions import can_judge
from screening.permissions import can_use_screening


def unread_notices(request):
    """The menu's unread count (one query for a signed-in user, none for a citizen)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notice_count": Notice.objects.filter(recipient=user, read_at__isnull=True).count()}


def _menu_section(match) -> str:
    namespace, name = match.namespace, match.url_name or ""
    if match.view_name == "dashboard":
        return "dashboard"
    if namespace == "monitoring":
        return "incidents" if name.startswith("incident") or name == "evidence" else ""
    # The sysadmin's pages, under one menu entry (issue 24): the platforms' credentials, the API's tokens,
    # the peers' registries, the sign-in lockouts and the page that lists them.
    if namespace in ("platforms", "api") or match.view_name in ("system", "org:lockouts"):
        return "system"
    if namespace == "accounts" and name.startswith("peer"):
        return "system"
    if namespace == "screening" and (name.startswith("draft") or name == "deputy"):
        return "drafts"  # issue 25: 投稿の決裁
    if namespace == "registry":
        return {"list": "registry", "verify": "verify"}.get(name, "")
    return namespace if namespace in ("accounts", "screening", "approvals", "reviews", "archive", "discovery") else ""


def menu(request):
    """The menu entry of the page being shown (aria-current), one at most: two apps name a view
    「dashboard」 (portal's is ダッシュボード, reviews' is 効果測定)."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return {
        "menu_section": _menu_section(match) if match else "",
        # The entries a person may use, by the predicates their pages ask (no menu leads to a 403).
        "may_screen": user is not None and can_use_screening(user),
        "may_see_archive": user is not None and can_use_archive(user),  # issue 22: 保存した投稿
        "may_judge_lookalikes": user is not None and can_judge(user),  # issue 23: なりすまし候補
    }
