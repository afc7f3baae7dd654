"""Who may screen drafts for which account (SPEC §6): whoever posts on it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import AccountStatus, OfficialAccount
from accounts.permissions import can_record_followers
from org.roles import Role, has_role

SCREENABLE = (AccountStatus.PREPARING, AccountStatus.ACTIVE, AccountStatus.NOTICE)


def can_use_screening(user) -> bool:
    """Who has the 投稿前チェック page and its menu entry: the roles that post on accounts (a 課's staff
    and 課長, a contractor, the sysadmin); which accounts each checks is `accounts_to_screen`."""
    return has_role(user, Role.STAFF, Role.SECTION_HEAD, Role.CONTRACTOR, Role.SYSADMIN)


def ensure_can_use_screening(user) -> None:
    if not can_use_screening(user):
        raise PermissionDenied(
            "投稿前チェックを使えるのは、アカウントに投稿する課の職員・課長、委託業者とシステム管理者です。"
        )


def can_screen(user, account) -> bool:
    """The 課 that posts on the account (staff, 課長), its contractor, and the sysadmin."""
    return can_record_followers(user, account)


def accounts_to_screen(user) -> QuerySet[OfficialAccount]:
    """The accounts `can_screen` allows, that still post: the form's choices and the API's lookups."""
    qs = OfficialAccount.objects.filter(status__in=SCREENABLE).select_related("platform")
    if not can_use_screening(user):
        return qs.none()
    if has_role(user, Role.SYSADMIN):
        return qs
    cond = Q(pk__in=[])
    if has_role(user, Role.STAFF, Role.SECTION_HEAD) and user.department_id:
        cond |= Q(department_id=user.department_id)  # mutmut: equivalent — `=` too: cond is still Q(pk__in=[])
    if has_role(user, Role.CONTRACTOR):
        cond |= Q(contractors=user)
    return qs.filter(cond).distinct()


# --- 決裁 before posting (issue 25, G-4-3-ア) ---------------------------------------------------------


def _in_section(user, account) -> bool:
    return user.department_id is not None and user.department_id == account.department_id


def is_section_head_of(user, account) -> bool:
    """The 課長 of the account's 課."""
    return has_role(user, Role.SECTION_HEAD) and _in_section(user, account)


def current_deputy_id(account) -> int | None:
    """The user the 課長 named last to decide the account's drafts (None: nobody, or the naming ended)."""
    from .models import DraftDeputy

    return (
        DraftDeputy.objects.filter(account_id=account.pk)
        # mutmut: equivalent — "-pk" alone, or "-named_at" alone: namings are written one after another
        # (named_at is the time of the write), so the latest has the highest pk and no two share a time.
        .order_by("-named_at", "-pk")
        .values_list("deputy_id", flat=True)
        .first()
    )


def is_deputy_of(user, account) -> bool:
    """The deputy the 課長 named, while still one of the account's 課 (a 人事異動 ends it, as for the 管理者)."""
    return (
        # mutmut: equivalent — another falsy default (None) for an object without is_authenticated.
        bool(getattr(user, "is_authenticated", False))
        and _in_section(user, account)
        and current_deputy_id(account) == user.pk
    )


def can_decide_drafts(user, account) -> bool:
    """G-4-3-ア: the account's drafts are decided by the 課長 of its 課, or by the deputy the 課長 named."""
    return is_section_head_of(user, account) or is_deputy_of(user, account)


def can_decide_draft(user, draft) -> bool:
    """A draft waiting for 決裁, decided by one who may decide the account's drafts — never by its author,
    not even a deputy or a 課長 who drafted it (nobody approves their own post)."""
    if draft.author_id == user.pk:
        return False
    return draft.state == draft.State.PENDING and can_decide_drafts(user, draft.account)


def ensure_can_decide_draft(user, draft) -> None:
    if draft.author_id == user.pk:
        raise PermissionDenied("自分の起案した下書きは決裁できません。")
    if not can_decide_drafts(user, draft.account):
        raise PermissionDenied("この下書きを決裁できるのは、所管課の課長と課長の指名した代決者です。")


def can_draft(user, account) -> bool:
    """Who drafts a post for 決裁: whoever posts on the account (as for the 投稿前チェック)."""
    return can_use_screening(user) and can_screen(user, account)


def ensure_can_draft(user, account) -> None:
    if not can_draft(user, account):
        raise PermissionDenied("このアカウントの投稿を起案する権限がありません。")


def can_link_post(user, draft) -> bool:
    """The URL of the post made from a decided draft: pasted by whoever posts on the account."""
    return draft.is_decided and not draft.post_url and can_draft(user, draft.account)


def ensure_can_link_post(user, draft) -> None:
    if not can_draft(user, draft.account):
        raise PermissionDenied("このアカウントの投稿のURLを記録する権限がありません。")


def can_name_deputy(user, account) -> bool:
    """The 課長 of the account's 課 names the deputy (G-4-3-ア: 課長 decides)."""
    return is_section_head_of(user, account)


def ensure_can_name_deputy(user, account) -> None:
    if not can_name_deputy(user, account):
        raise PermissionDenied("代決者を指名できるのは、所管課の課長です。")


def deputy_candidates(user, account):
    """Whom the 課長 (`user`) may name: the active staff and 課長 of the account's 課, not themself."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True, department_id=account.department_id, groups__name__in=[Role.STAFF, Role.SECTION_HEAD]
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("username")
    )
