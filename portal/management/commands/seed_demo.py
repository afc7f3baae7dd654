"""Idempotent demo data from the city profile's demo organisation ([demo] file, issue 15): the city's
departments, one user per role, accounts in every state, a request and an incident."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.impersonations import impersonation_confirm
from accounts.lookup import parse_reference
from accounts.models import (
    AccountStatus,
    ContentCategory,
    Field,
    OfficialAccount,
    Platform,
    ResidentReport,
    Tone,
    VerificationStatus,
)
from accounts.reports import report_receive
from accounts.selectors import platform_host_map
from approvals import services as approvals
from approvals.models import AccountRequest
from archive.manual import post_record_by_hand
from archive.models import Post
from core.audit import Job
from monitoring import incidents
from monitoring.models import Incident
from org.models import Department, User
from org.roles import Role, role_label
from policies import services as policies
from portal.city_profile import apply_profile, demo_organisation


def _notice_dates(notice: list, today: date) -> tuple[date, date]:
    """The notice period of a demo account: days from today, or dates."""
    return tuple(today + timedelta(days=day) if isinstance(day, int) else day for day in notice)


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
        demo = demo_organisation()
        with transaction.atomic():
            for line in apply_profile(actor=Job.PROFILE_COMMAND):
                self.stdout.write(line)
            departments = self._departments(demo)
            users = self._users(demo, departments)
            created = self._accounts(demo, departments, users)
            self._workflows(demo, users)
        self.stdout.write(
            self.style.SUCCESS(f"{settings.CITY_NAME}のデモデータを用意しました（新規アカウント {created} 件）。")
        )
        self.stdout.write(f"ログイン: http://{host}:{port}/login/  パスワードは全員 {demo['password']}")
        for person in demo["users"]:
            labels = "・".join(role_label(r) for r in person["roles"])
            self.stdout.write(f"  {person['username']:<14} {person['name']}（{person['title']}） 役割: {labels}")

    def _workflows(self, demo, users) -> None:
        """A request waiting for the committee and an open incident, so every role has work to see."""
        if demo.get("request") and not AccountRequest.objects.exists():
            fields = dict(demo["request"])
            applicant, manager = users[fields.pop("applicant")], users[fields["manager"]]
            fields["manager"] = manager
            fields["platform"] = Platform.objects.get(code=fields["platform"])
            fields["registered_email"] = f"{fields['registered_email']}@{settings.CITY_EMAIL_DOMAIN}"
            request = approvals.request_create(actor=applicant, fields=fields)
            approvals.request_submit(request_id=request.pk, actor=manager)
        # Issue 22: posts recorded by hand on an account whose platform cannot be read (LINE).
        for row in demo.get("archived_posts", []):
            platform_code, handle = row["account"].split(":", 1)
            account = OfficialAccount.objects.get(platform__code=platform_code, handle_key=handle.lower())
            if not Post.objects.filter(account=account, text=row["text"]).exists():
                posted = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
                post_record_by_hand(
                    account_id=account.pk,
                    actor=users[row["recorder"]],
                    text=row["text"],
                    posted_at=posted - timedelta(days=row["days_ago"]),
                )
        # Issue 23: a confirmed impersonator on the public warning list, and a resident's report in the queue.
        for row in demo.get("impersonations", []):
            platform_code, handle = row["imitates"].split(":", 1)
            account = OfficialAccount.objects.get(platform__code=platform_code, handle_key=handle.lower())
            impersonation_confirm(
                platform=account.platform,
                handle=row["handle"],
                display_name=row.get("display_name", ""),
                profile_url=account.platform.profile_url_for(row["handle"]),
                platform_account_id="",
                imitates=account,
                actor=users[row["confirmer"]],
            )
        for row in demo.get("reports", []):
            if not ResidentReport.objects.filter(text=row["text"]).exists():
                ref = parse_reference(row["text"], platform_host_map())
                if ref is not None:
                    report_receive(ref=ref, text=row["text"], note=row.get("note", ""))
        if demo.get("incident") and not Incident.objects.exists():
            incident = demo["incident"]
            platform_code, handle = incident["account"].split(":", 1)
            account = OfficialAccount.objects.get(platform__code=platform_code, handle_key=handle.lower())
            incidents.incident_open(
                account_id=account.pk,
                actor=users[incident["reporter"]],
                kind=incident["kind"],
                title=incident["title"],
                description=incident["description"],
            )

    def _departments(self, demo) -> dict[str, Department]:
        result = {}
        for order, bu in enumerate(demo["departments"], start=1):
            parent, _ = Department.objects.update_or_create(
                code=bu["code"], defaults={"name": bu["name"], "kind": Department.Kind.BU, "sort_order": order * 100}
            )
            for ka_order, ka in enumerate(bu.get("sections", []), start=1):
                result[ka["code"]], _ = Department.objects.update_or_create(
                    code=ka["code"],
                    defaults={
                        "name": ka["name"],
                        "kind": Department.Kind.KA,
                        "parent": parent,
                        "sort_order": order * 100 + ka_order,
                    },
                )
        return result

    def _users(self, demo, departments) -> dict[str, User]:
        users = {}
        # Everyone has the demo password (printed at the end): hashed once, not once per user (each hash
        # takes PBKDF2's 0.4 s, which `make run` and the benches that seed paid a dozen times).
        password = make_password(demo["password"])
        for person in demo["users"]:
            user, _ = User.objects.get_or_create(username=person["username"])
            user.last_name, _, user.first_name = person["name"].partition(" ")
            user.title = person["title"]
            user.department = departments.get(person.get("department"))
            user.email = f"{person['username']}@{settings.CITY_EMAIL_DOMAIN}"
            user.password = password
            user.save()
            user.groups.set(Group.objects.filter(name__in=person["roles"]))
            users[person["username"]] = user
        return users

    def _accounts(self, demo, departments, users) -> int:
        today = timezone.localdate()
        admin = next(users[p["username"]] for p in demo["users"] if Role.SYSADMIN in p["roles"])
        heads = {u.department.code: u for u in users.values() if u.department and Role.SECTION_HEAD in u.roles}
        fields = {
            ka["code"]: ka.get("field", Field.OTHER) for bu in demo["departments"] for ka in bu.get("sections", [])
        }
        pr_account = None
        created = 0
        for row in demo["accounts"]:
            platform = Platform.objects.get(code=row["platform"])
            account = OfficialAccount.objects.filter(platform=platform, handle_key=row["handle"].lower()).first()
            if account is None:
                department = departments[row["department"]]
                contractors = [users[row["contractor"]]] if row.get("contractor") else []
                account = self._register(
                    department,
                    fields[department.code],
                    platform,
                    row,
                    heads.get(department.code) or admin,
                    admin,
                    contractors,
                )
                self._move_to(account, row, admin, pr_account, demo.get("suspension", {}), today)
                created += 1
            if row.get("pr"):
                pr_account = account
        return created

    def _register(self, department, field, platform, row, manager, admin, contractors):
        name = row["name"]
        account = services.account_register(
            actor=admin,
            department=department,
            initial_status=AccountStatus.PREPARING,
            contractors=contractors,
            fields={
                "platform": platform,
                "field": field,
                "handle": row["handle"],
                "display_name": name,
                "profile_url": platform.profile_url_for(row["handle"]),
                "platform_account_id": "",
                "profile_operator": f"{settings.CITY_NAME}{department.name}",  # P-3
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
                if row.get("verified")
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

    def _move_to(self, account, row, admin, pr_account, suspension, today):
        status = row["status"]
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
        starts, ends = _notice_dates(row["notice"], today)
        services.account_announce_suspension(
            account_id=account.pk,
            actor=admin,
            reason=suspension.get("reason", "デモデータ"),
            notice_starts_on=starts,
            notice_ends_on=ends,
            successor_id=pr_account.pk if pr_account else None,
        )
        if status == AccountStatus.NOTICE:
            return
        services.account_suspend(account_id=account.pk, actor=admin)
        if status == AccountStatus.CLOSED:
            services.account_close(account_id=account.pk, actor=admin, comment=suspension.get("closed", "デモデータ"))
