"""Idempotent demo data: the city's departments, one user per role, accounts in every state."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import (
    AccountStatus,
    ContentCategory,
    Field,
    OfficialAccount,
    Platform,
    Tone,
    VerificationStatus,
)
from approvals import services as approvals
from approvals.models import AccountRequest
from monitoring import incidents
from monitoring.models import Incident
from org.models import Department, User
from org.roles import Role, role_label
from policies import services as policies

DEMO_PASSWORD = "komae-demo-2026"
DEPARTMENT_FIELDS = {
    "120": Field.GENERAL,
    "230": Field.SAFETY,
    "310": Field.TOURISM,
    "320": Field.ENVIRONMENT,
    "410": Field.CHILDREN,
}

# (code, 部, [(code, 課)]) — a subset of 狛江市's organisation, enough to show isolation between 課.
DEPARTMENTS = [
    ("100", "企画財政部", [("110", "政策室"), ("120", "秘書広報課"), ("130", "財政課")]),
    ("200", "総務部", [("210", "総務課"), ("220", "情報政策課"), ("230", "安心安全課")]),
    ("300", "市民生活部", [("310", "地域活性課"), ("320", "環境政策課")]),
    ("400", "児童青少年部", [("410", "子ども政策課"), ("420", "児童育成課")]),
    ("500", "教育部", [("510", "社会教育課")]),
]

# username, 姓, 名, 課 code, title, roles
USERS = [
    ("kodomo_staff", "田中", "花子", "410", "主事", [Role.STAFF]),
    ("kodomo_kacho", "鈴木", "一郎", "410", "子ども政策課長", [Role.SECTION_HEAD]),
    ("kankyo_staff", "高橋", "美咲", "320", "主任", [Role.STAFF]),
    ("kankyo_kacho", "伊藤", "健", "320", "環境政策課長", [Role.SECTION_HEAD]),
    ("koho_kacho", "渡辺", "直子", "120", "秘書広報課長", [Role.SECTION_HEAD, Role.PR_OFFICE]),
    # The 管理者 of each account belongs to its 課 (SPEC §1): every 課 with an account has its 課長.
    ("anzen_kacho", "山田", "剛", "230", "安心安全課長", [Role.SECTION_HEAD]),
    ("kassei_kacho", "佐々木", "優子", "310", "地域活性課長", [Role.SECTION_HEAD]),
    ("shakyo_kacho", "松本", "浩", "510", "社会教育課長", [Role.SECTION_HEAD]),
    ("itaku", "山本", "翔太", None, "株式会社こまえ企画（委託業者）", [Role.CONTRACTOR]),
    ("iin", "中村", "陽子", "110", "政策室長（委員）", [Role.COMMITTEE]),
    ("iincho", "小林", "誠", "110", "副市長（委員長）", [Role.COMMITTEE_CHAIR, Role.COMMITTEE]),
    ("ciso", "加藤", "修", "210", "総務部長（統括情報セキュリティ責任者）", [Role.SECURITY_OFFICER]),
    ("sysadmin", "吉田", "大輔", "220", "情報政策課 システム管理者", [Role.SYSADMIN]),
]


def _account_rows(today: date):
    """Return the demo accounts: (課, platform, handle, name, status, extra)."""
    return [
        ("120", "x", "komae_city", "狛江市", AccountStatus.ACTIVE, {"verified": True, "pr": True}),
        ("120", "line", "komae_city", "狛江市", AccountStatus.ACTIVE, {"verified": True}),
        ("120", "facebook", "komaecity", "狛江市", AccountStatus.ACTIVE, {}),
        ("120", "youtube", "komae_channel", "狛江市公式チャンネル", AccountStatus.ACTIVE, {}),
        ("120", "threads", "komae_city", "狛江市", AccountStatus.ACTIVE, {}),
        ("120", "bluesky", "komae-city.bsky.social", "狛江市", AccountStatus.PREPARING, {}),
        ("230", "x", "komae_bousai", "狛江市防災", AccountStatus.ACTIVE, {"verified": True}),
        ("410", "instagram", "komae_kosodate", "こまえ子育て応援", AccountStatus.ACTIVE, {"contractor": True}),
        ("410", "line", "komae_kosodate", "こまえ子育て応援LINE", AccountStatus.PREPARING, {}),
        ("310", "tiktok", "komae_kanko", "狛江市観光", AccountStatus.ACTIVE, {}),
        (
            "320",
            "x",
            "komae_kankyo",
            "狛江市環境政策課",
            AccountStatus.NOTICE,
            {"notice": (today - timedelta(days=10), today + timedelta(days=50))},
        ),
        (
            "320",
            "x",
            "komae_gomi",
            "狛江市ごみ分別",
            AccountStatus.SUSPENDED,
            {"notice": (today - timedelta(days=120), today - timedelta(days=60))},
        ),
        (
            "510",
            "note",
            "komae_library",
            "狛江市立図書館の本だな",
            AccountStatus.CLOSED,
            {"notice": (date(2025, 4, 1), date(2025, 6, 30))},
        ),
    ]


class Command(BaseCommand):
    help = "デモ用のデータ（部署・役割ごとの利用者・各状態の公式アカウント）を投入します。何度実行しても同じ結果です。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="DEBUG=false でも実行する")
        # `make run HOST=… PORT=…` passes where scripts/run.sh starts the app, so the address printed is real.
        parser.add_argument("--host", default="127.0.0.1", help="案内するログインURLのホスト")
        parser.add_argument("--port", type=int, default=8000, help="案内するログインURLのポート")

    def handle(self, *args, force=False, host="127.0.0.1", port=8000, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "本番設定（DEBUG=false）ではデモデータを投入しません。必要なら --force を付けてください。"
            )
        with transaction.atomic():
            departments = self._departments()
            users = self._users(departments)
            created = self._accounts(departments, users)
            self._workflows(users)
        self.stdout.write(self.style.SUCCESS(f"デモデータを用意しました（新規アカウント {created} 件）。"))
        self.stdout.write(f"ログイン: http://{host}:{port}/login/  パスワードは全員 {DEMO_PASSWORD}")
        for username, last, first, _, title, roles in USERS:
            labels = "・".join(role_label(r) for r in roles)
            self.stdout.write(f"  {username:<14} {last} {first}（{title}） 役割: {labels}")

    def _workflows(self, users) -> None:
        """A request waiting for the committee and an open incident, so every role has work to see."""
        if not AccountRequest.objects.exists():
            head = users["kodomo_kacho"]
            request = approvals.request_create(
                actor=users["kodomo_staff"],
                fields={
                    "platform": Platform.objects.get(code="line"),
                    "field": Field.CHILDREN,
                    "desired_handle": "komae_kosodate_info",
                    "display_name": "こまえ子育て情報",
                    "reuse_fits": "no",
                    "reuse_fits_reason": (
                        "子育て世帯だけに届けたい個別の案内が多く、市公式LINEでは届け分けができないため。"
                    ),
                    "reuse_too_light": "no",
                    "reuse_too_light_reason": "健診・予防接種・手当の案内が毎週あるため。",
                    "reuse_crowds": "yes",
                    "reuse_crowds_reason": (
                        "週3回の配信は市公式LINEの配信回数の半分に当たり、他の情報を埋もれさせるため。"
                    ),
                    "title": "子育て情報LINEアカウントの開設",
                    "purpose": "子育て世帯に健診・予防接種・子育て支援の情報を確実に届ける。",
                    "audience": "市内の子育て世帯",
                    "content": "健診・予防接種の案内、子育てイベント、災害時の子ども向け情報",
                    "frequency": "週2〜3回",
                    "start_on": date(2027, 4, 1),
                    "cost": "なし（無料の範囲で運用）",
                    "personal_data": "取り扱わない（個別の相談には応じない）",
                    "security": "二段階認証、投稿端末の限定、パスワードの定期変更",
                    "linked_apps": "なし",
                    "manager": head,
                    "content_categories": [ContentCategory.GENERAL, ContentCategory.DISASTER],
                    "tone": Tone.FRIENDLY,
                    "registered_email": f"410-line@{settings.CITY_EMAIL_DOMAIN}",
                },
            )
            approvals.request_submit(request_id=request.pk, actor=head)
        if not Incident.objects.exists():
            account = OfficialAccount.objects.get(platform__code="x", handle_key="komae_bousai")
            incidents.incident_open(
                account_id=account.pk,
                actor=users["sysadmin"],
                kind=Incident.Kind.IMPERSONATION,
                title="「狛江市防災（公式）」を名乗る別アカウントを市民から通報",
                description="プロフィール画像と表示名を似せたアカウント。市の公式アカウントではない。",
            )

    def _departments(self) -> dict[str, Department]:
        result = {}
        for order, (bu_code, bu_name, kas) in enumerate(DEPARTMENTS, start=1):
            bu, _ = Department.objects.update_or_create(
                code=bu_code, defaults={"name": bu_name, "kind": Department.Kind.BU, "sort_order": order * 100}
            )
            for ka_order, (ka_code, ka_name) in enumerate(kas, start=1):
                result[ka_code], _ = Department.objects.update_or_create(
                    code=ka_code,
                    defaults={
                        "name": ka_name,
                        "kind": Department.Kind.KA,
                        "parent": bu,
                        "sort_order": order * 100 + ka_order,
                    },
                )
        return result

    def _users(self, departments) -> dict[str, User]:
        users = {}
        for username, last, first, dept_code, title, roles in USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.last_name, user.first_name, user.title = last, first, title
            user.department = departments.get(dept_code)
            user.email = f"{username}@{settings.CITY_EMAIL_DOMAIN}"
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set(Group.objects.filter(name__in=roles))
            users[username] = user
        return users

    def _accounts(self, departments, users) -> int:
        today = timezone.localdate()
        admin = users["sysadmin"]
        heads = {u.department.code: u for u in users.values() if u.department and Role.SECTION_HEAD in u.roles}
        pr_account = None
        created = 0
        for dept_code, platform_code, handle, name, status, extra in _account_rows(today):
            platform = Platform.objects.get(code=platform_code)
            account = OfficialAccount.objects.filter(platform=platform, handle_key=handle.lower()).first()
            if account is None:
                account = self._register(departments[dept_code], platform, handle, name, heads, admin, extra, users)
                self._move_to(account, status, extra, admin, pr_account, today)
                created += 1
            if extra.get("pr"):
                pr_account = account
        return created

    def _register(self, department, platform, handle, name, heads, admin, extra, users):
        manager = heads.get(department.code) or admin
        account = services.account_register(
            actor=admin,
            department=department,
            initial_status=AccountStatus.PREPARING,
            contractors=[users["itaku"]] if extra.get("contractor") else [],
            fields={
                "platform": platform,
                "field": DEPARTMENT_FIELDS.get(department.code, Field.OTHER),
                "handle": handle,
                "display_name": name,
                "profile_url": platform.profile_url_for(handle),
                "platform_account_id": "",
                "profile_operator": f"狛江市{department.name}",
                "profile_purpose": f"{name}の公式アカウントです。{department.name}が市政情報をお届けします。",
                "manager": manager,
                "content_categories": [ContentCategory.GENERAL, ContentCategory.DISASTER],
                "content_notes": "",
                "restrict_follow": True,
                "restrict_reply": True,
                "restrict_contact": True,
                "tone": Tone.STANDARD,
                "approval_required": True,
                "registered_email": f"{department.code}-sns@{settings.CITY_EMAIL_DOMAIN}",
                "verification_status": VerificationStatus.VERIFIED
                if extra.get("verified")
                else VerificationStatus.NOT_APPLIED,
                "homepage_url": "",
                "linked_apps": "",
                "password_changed_on": date(2026, 4, 1),
            },
        )
        for years_ago, count in ((3, 800), (2, 1200), (1, 1900), (0, 2600)):
            on = date(timezone.localdate().year - years_ago, 3, 31)
            if on <= timezone.localdate():
                services.account_record_followers(account_id=account.pk, actor=admin, recorded_on=on, count=count)
        return account

    def _move_to(self, account, status, extra, admin, pr_account, today):
        if status == AccountStatus.PREPARING:
            return
        # G-4-2-イ: an account operates under an enacted policy, which a new user can print at once.
        policies.policy_draft_start(account_id=account.pk, actor=admin)
        policies.policy_issue(
            account_id=account.pk, actor=admin, issued_on=timezone.localdate(account.created_at), comment="デモデータ"
        )
        services.account_activate(account_id=account.pk, actor=admin, comment="デモデータ")
        if status == AccountStatus.ACTIVE:
            return
        starts, ends = extra["notice"]
        services.account_announce_suspension(
            account_id=account.pk,
            actor=admin,
            reason="発信内容を市公式アカウントに集約するため（年度末の効果測定の結果）",
            notice_starts_on=starts,
            notice_ends_on=ends,
            successor_id=pr_account.pk,
        )
        if status == AccountStatus.NOTICE:
            return
        services.account_suspend(account_id=account.pk, actor=admin)
        if status == AccountStatus.CLOSED:
            services.account_close(account_id=account.pk, actor=admin, comment="サービスの提供終了のため閉鎖")
