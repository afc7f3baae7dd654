"""Bring what the city profile defines into the database (issue 15): its SNS and its 運用ポリシー
template (idempotent; it never overwrites what the city has edited on the screen), and check its
demo organisation, which seed_demo loads."""

from django.conf import settings
from django.core import checks
from django.core.management.base import CommandError

from accounts.handles import handle_problem
from accounts.models import AccountStatus
from accounts.services import platforms_from_profile
from org.roles import Role
from policies.services import template_from_profile


def apply_profile(*, actor, revise_policy_template: bool = False) -> list[str]:
    """Return, line by line, what was added and what was left as it is."""
    return [*platforms_from_profile(actor=actor), template_from_profile(actor=actor, revise=revise_policy_template)]


STATUSES = tuple(AccountStatus.values)


class DemoError(CommandError):
    pass


def demo_organisation() -> dict:
    """The city profile's demo organisation ([demo] file), checked enough to name what is wrong."""
    demo = settings.CITY.demo
    where = f"{settings.CITY_PROFILE} の [demo] file"
    if demo is None:
        raise DemoError(f"{where} がありません。デモ組織を書いたファイルをプロファイルに指定してください。")
    try:
        _check_demo(demo, where)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        # An entry of the wrong shape (a table without its key, a string where a table belongs).
        raise DemoError(
            f"{where}：形式が違います（{type(exc).__name__}: {exc}）。komae-demo.toml の形を参照してください。"
        ) from None
    return demo


def _check_demo(demo: dict, where: str) -> None:
    for key, kind in (("password", str), ("departments", list), ("users", list), ("accounts", list)):
        if not isinstance(demo.get(key), kind) or not demo[key]:
            raise DemoError(f"{where}：{key} がないか、型が違います。")
    sections = {s["code"] for d in demo["departments"] for s in d.get("sections", [])}
    roles = {role.value for role in Role}
    usernames = set()
    for user in demo["users"]:
        missing = {"username", "name", "title", "roles"} - set(user)
        if missing:
            raise DemoError(
                f"{where}：users の {user.get('username', '?')} に {'・'.join(sorted(missing))} がありません。"
            )
        if user.get("department") and user["department"] not in sections:
            raise DemoError(
                f"{where}：users の {user['username']} の課 {user['department']} が departments にありません。"
            )
        if set(user["roles"]) - roles:
            raise DemoError(
                f"{where}：users の {user['username']} の役割は {', '.join(sorted(roles))} から選んでください。"
            )
        usernames.add(user["username"])
    if not any("sysadmin" in user["roles"] for user in demo["users"]):
        raise DemoError(f"{where}：users にシステム管理者（sysadmin）が一人は必要です（アカウントを登録する人）。")
    for row in demo["accounts"]:
        label = f"accounts の {row.get('platform')}:{row.get('handle')}"
        if row.get("department") not in sections:
            raise DemoError(f"{where}：{label} の department {row.get('department')} が departments の課にありません。")
        if row.get("status") not in STATUSES:
            raise DemoError(f"{where}：{label} の status は {', '.join(STATUSES)} のどれかです。")
        if row["status"] in ("notice", "suspended", "closed") and len(row.get("notice", [])) != 2:
            raise DemoError(f"{where}：{label} には notice（予告期間：今日からの日数か日付を二つ）が必要です。")
        if not any(u.get("department") == row["department"] and "section_head" in u["roles"] for u in demo["users"]):
            raise DemoError(f"{where}：{label} の課に課長（section_head）がいません。管理者は所管課の課長です。")
        if row.get("contractor") and row["contractor"] not in usernames:
            raise DemoError(f"{where}：{label} の contractor {row['contractor']} が users にありません。")
        if problem := handle_problem(row["platform"], row.get("handle", "")):  # issue 20: as the form checks it
            raise DemoError(f"{where}：{label} の handle：{problem}。")
    request, incident = demo.get("request"), demo.get("incident")
    for key in ("applicant", "manager") if request else ():
        if request.get(key) not in usernames:
            raise DemoError(f"{where}：[request] {key} は users の username で指定してください。")
    if request and (problem := handle_problem(request.get("platform", ""), request.get("desired_handle", ""))):
        raise DemoError(f"{where}：[request] desired_handle：{problem}。")
    handles = {f"{row['platform']}:{row['handle']}" for row in demo["accounts"]}
    for number, post in enumerate(demo.get("archived_posts", []), start=1):  # issue 22: recorded by hand
        if post.get("account") not in handles or post.get("recorder") not in usernames:
            raise DemoError(
                f"{where}：archived_posts の{number}番目の account は accounts の「SNSのコード:ユーザー名」、"
                "recorder は users の username で指定してください。"
            )
        if not isinstance(post.get("text"), str) or not isinstance(post.get("days_ago"), int):
            raise DemoError(f"{where}：archived_posts の{number}番目には text（文字列）と days_ago（整数）が必要です。")
    for number, row in enumerate(demo.get("impersonations", []), start=1):  # issue 23: the warning list
        if row.get("imitates") not in handles or row.get("confirmer") not in usernames or not row.get("handle"):
            raise DemoError(
                f"{where}：impersonations の{number}番目の imitates は accounts の「SNSのコード:ユーザー名」、"
                "confirmer は users の username、handle はなりすましのユーザー名で指定してください。"
            )
    for number, row in enumerate(demo.get("reports", []), start=1):
        if not isinstance(row.get("text"), str) or not row["text"].strip():
            raise DemoError(f"{where}：reports の{number}番目には text（通報されたURL）が必要です。")
    if incident:
        if incident.get("account") not in handles or incident.get("reporter") not in usernames:
            raise DemoError(
                f"{where}：[incident] account は accounts の「SNSのコード:ユーザー名」、"
                "reporter は users の username で指定してください。"
            )


@checks.register()
def demo_file_check(app_configs=None, **kwargs):
    """`manage.py check` (and start-up) name what is wrong in the profile's demo file, if it has one."""
    if settings.CITY.demo is None:
        return []
    try:
        demo_organisation()
    except DemoError as exc:
        return [checks.Error(str(exc), id="komae_sns.E015")]
    return []
