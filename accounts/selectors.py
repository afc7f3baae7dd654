"""Reads of official accounts, with the object rules of SPEC §1 built in so a view cannot forget them."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from org.roles import DEPARTMENT_ROLES, Role, has_role, sees_all

from .models import (
    PUBLIC_STATUSES,
    AccountStatus,
    FollowerSnapshot,
    OfficialAccount,
    Platform,
    VerificationStatus,
    platform_verification_words,
)


def _with_list_relations(qs: QuerySet) -> QuerySet:
    latest = FollowerSnapshot.objects.filter(account=OuterRef("pk")).order_by("-recorded_on")
    return qs.select_related("platform", "department", "department__parent", "manager").annotate(
        latest_followers=Subquery(latest.values("count")[:1]),
        latest_followers_on=Subquery(latest.values("recorded_on")[:1]),
    )


def accounts_visible_to(*, user) -> QuerySet[OfficialAccount]:
    """Return the accounts `user` may see: all for committee, security officer and sysadmin;
    the assigned ones for a contractor (G-4-1); their own 課's otherwise."""
    qs = _with_list_relations(OfficialAccount.objects.all())
    if sees_all(user):
        return qs
    if has_role(user, Role.CONTRACTOR):
        return qs.filter(contractors=user)
    if has_role(user, *DEPARTMENT_ROLES) and user.department_id:
        return qs.filter(department_id=user.department_id)
    return qs.none()


def account_search(qs: QuerySet, *, q: str = "", platform: str = "", status: str = "") -> QuerySet:
    if q:
        qs = qs.filter(
            Q(display_name__icontains=q)
            | Q(handle__icontains=q)
            | Q(department__name__icontains=q)
            | Q(profile_operator__icontains=q)
        )
    if platform:
        qs = qs.filter(platform__code=platform)
    if status:
        qs = qs.filter(status=status)
    return qs


def accounts_public() -> QuerySet[OfficialAccount]:
    """Return what the public registry lists (P-7, P-8): 運用中, 停止予告中 and 運用停止."""
    return (
        OfficialAccount.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("platform", "department", "department__parent", "successor", "successor__platform")
        .order_by("status", "department__sort_order", "platform__sort_order", "handle_key")
    )


REGISTRY_ENTRY_FIELDS = (
    "display_name",
    "handle",
    "profile_url",
    "status",
    "verification_status",
    "platform_verified",
    "platform_verification_read_on",
    "notice_ends_on",
    "suspended_on",
    "suspension_reason",
    "platform__name",
    "department__name",
    "department__parent__name",
    "successor__display_name",
    "successor__handle",
    "successor__profile_url",
    "successor__platform__name",
)


def registry_entries(qs: QuerySet) -> list[dict]:
    """Return the public list's rows as plain values: one row per account, ready for one template loop.

    The registry renders every public account on each change (P-7), so it reads columns rather than
    building five model instances a row; the words are those of the models (labels, 部課名, 誘導先).
    """
    status_labels = dict(AccountStatus.choices)
    verification_labels = dict(VerificationStatus.choices)
    entries = []
    for row in qs.values(*REGISTRY_ENTRY_FIELDS):
        successor_handle = row["successor__handle"]
        entries.append(
            {
                "display_name": row["display_name"],
                "handle": row["handle"],
                "profile_url": row["profile_url"],
                "platform": row["platform__name"],
                "department": (row["department__parent__name"] or "") + row["department__name"],
                "status": row["status"],
                "status_label": status_labels[row["status"]],
                "verification_label": verification_labels[row["verification_status"]],
                # P-7-3: beside the staff's 認証の状況, what the platform itself showed at the last reading.
                "platform_verification": platform_verification_words(
                    row["platform_verified"], row["platform_verification_read_on"]
                ),
                "notice_ends_on": row["notice_ends_on"],
                "suspended_on": row["suspended_on"],
                "suspension_reason": row["suspension_reason"],
                # The 誘導先 is named with its SNS and handle, as OfficialAccount.label does.
                "successor_label": (
                    f"{row['successor__display_name']}（{row['successor__platform__name']} @{successor_handle}）"
                    if successor_handle is not None
                    else ""
                ),
                "successor_url": row["successor__profile_url"] or "",
            }
        )
    return entries


def accounts_matching_reference(ref) -> QuerySet[OfficialAccount]:
    """Return every registered account (any status) that a parsed URL or @handle points at."""
    qs = OfficialAccount.objects.select_related(
        "platform", "department", "department__parent", "successor", "successor__platform"
    )
    cond = Q()
    if ref.account_id:
        cond |= Q(platform_account_id__iexact=ref.account_id)
    if ref.handle:
        cond |= Q(handle_key=ref.handle)
    if not cond:
        return qs.none()
    qs = qs.filter(cond)
    if ref.platform:
        qs = qs.filter(platform__code=ref.platform)
    return qs


def platform_host_map() -> dict[str, str]:
    """Return {canonical host: platform code} from the Platform table."""
    return {host: p.code for p in Platform.objects.all() for host in p.host_list}


def account_status_counts(qs: QuerySet) -> dict[str, int]:
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in AccountStatus.values}


@dataclass(frozen=True)
class Panel:
    """One "what waits for you" box of the dashboard."""

    title: str
    clause: str
    accounts: list
    total: int
    empty_text: str


PANEL_LIMIT = 10


def _panel(title: str, clause: str, qs: QuerySet, empty_text: str) -> Panel:
    named = settings.CITY.named  # the policy document in the city's name for it
    return Panel(named(title), clause, list(qs[:PANEL_LIMIT]), qs.count(), named(empty_text))


def account_panels(*, user) -> list[Panel]:
    """Return the dashboard boxes about accounts that wait for `user`'s action, by role."""
    visible = accounts_visible_to(user=user)
    today = timezone.localdate()
    panels = []
    if has_role(user, Role.SECTION_HEAD, Role.STAFF, Role.SYSADMIN, Role.CONTRACTOR):
        panels.append(
            _panel(
                "開設準備中のアカウント",
                "G-4-2",
                visible.filter(status=AccountStatus.PREPARING),
                "開設準備中のアカウントはありません。",
            )
        )
    if has_role(user, Role.SECTION_HEAD, Role.SYSADMIN):
        panels.append(
            _panel(
                "目安より短い事前周知で停止予告中のアカウント",
                "G-4-5-ウ",
                visible.filter(status=AccountStatus.NOTICE).exclude(notice_short_reason=""),
                "目安より短い事前周知のアカウントはありません。",
            )
        )
        panels.append(
            _panel(
                "事前周知の期間が終わった停止予告中のアカウント",
                "G-4-5-ウ",
                visible.filter(status=AccountStatus.NOTICE, notice_ends_on__lt=today),
                "運用停止の手続を待つアカウントはありません。",
            )
        )
    if has_role(user, Role.SECTION_HEAD, Role.STAFF, Role.SECURITY_OFFICER, Role.SYSADMIN):
        due = today - timedelta(days=settings.PASSWORD_CHANGE_DUE_DAYS)
        operating = visible.filter(status__in=(AccountStatus.ACTIVE, AccountStatus.NOTICE))
        panels.append(
            _panel(
                "認証を申請していないアカウント",
                "P-7-3",
                operating.filter(
                    verification_status=VerificationStatus.NOT_APPLIED, platform__verification_available=True
                ),
                "認証未申請のアカウントはありません。",
            )
        )
        panels.append(
            _panel(
                f"パスワードを{settings.PASSWORD_CHANGE_DUE_DAYS}日以上変更していないアカウント",
                "G-4-3-カ",
                operating.filter(Q(password_changed_on__lt=due) | Q(password_changed_on__isnull=True)),
                "パスワードの変更時期が来たアカウントはありません。",
            )
        )
    if has_role(user, Role.SECTION_HEAD, Role.SYSADMIN):
        panels.append(
            _panel(
                "運用ポリシーが制定されていない運用中のアカウント",
                "G-4-2-イ",
                visible.filter(status__in=(AccountStatus.ACTIVE, AccountStatus.NOTICE), policy_versions__isnull=True),
                "運用中のアカウントには、すべて運用ポリシーが制定されています。",
            )
        )
        panels.append(
            _panel(
                "管理者が所管課にいないアカウント",
                "G-4-3-ア",
                visible.exclude(status=AccountStatus.CLOSED).exclude(
                    manager__department_id=F("department_id"), manager__is_active=True
                ),
                "どのアカウントにも所管課の管理者がいます。",
            )
        )
        panels.append(
            _panel(
                "承認を待っている公開情報の変更",
                "P-7",
                visible.filter(public_changes__status="pending"),
                "承認を待っている公開情報の変更はありません。",
            )
        )
    if has_role(user, Role.SECURITY_OFFICER, Role.SYSADMIN, Role.SECTION_HEAD):
        panels.append(
            _panel(
                "運用停止中のアカウント（定期的な状態確認の対象）",
                "G-4-5-エ",
                visible.filter(status=AccountStatus.SUSPENDED),
                "運用停止中のアカウントはありません。",
            )
        )
    return panels
