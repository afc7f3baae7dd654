"""Fill a database for the benchmarks: N accounts, follower counts and reviews over Y 年度."""

import random
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import AccountStatus, FollowerSnapshot, OfficialAccount, Platform
from core.dates import TOKYO, current_fiscal_year
from org.models import Department, User
from org.roles import Role
from reviews.models import ReviewDecision, YearEndReview


class Command(BaseCommand):
    help = "ベンチマーク用に大量のアカウント・フォロワー数・効果測定を投入します（bulk_create）。"

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=1000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="DEBUG=false でも実行する")

    @transaction.atomic
    def handle(self, *args, accounts, years, seed, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("本番設定（DEBUG=false）では投入しません。必要なら --force を付けてください。")
        rng = random.Random(seed)
        bu, _ = Department.objects.get_or_create(code="BULK", defaults={"name": "ベンチ部", "kind": "bu"})
        departments = [
            Department.objects.get_or_create(
                code=f"BULK{i:02d}", defaults={"name": f"ベンチ第{i}課", "parent": bu, "sort_order": 9000 + i}
            )[0]
            for i in range(20)
        ]
        head, _ = User.objects.get_or_create(username="bulk_head", defaults={"department": departments[0]})
        head.groups.add(Group.objects.get(name=Role.SECTION_HEAD))
        platforms = list(Platform.objects.all())
        start = OfficialAccount.objects.filter(handle_key__startswith="bulk_").count()
        new = [
            OfficialAccount(
                department=departments[i % len(departments)],
                platform=platforms[i % len(platforms)],
                handle=f"bulk_{i}",
                handle_key=f"bulk_{i}",
                display_name=f"ベンチアカウント{i}",
                profile_url=platforms[i % len(platforms)].profile_url_for(f"bulk_{i}"),
                profile_operator=settings.CITY_NAME,
                profile_purpose="ベンチマーク用",
                manager=head,
                registered_email=f"bulk{i}@{settings.CITY_EMAIL_DOMAIN}",
                content_categories=["general"],
                status=AccountStatus.SUSPENDED if i % 10 == 9 else AccountStatus.ACTIVE,
                suspension_reason="集約のため" if i % 10 == 9 else "",
            )
            for i in range(start, accounts)
        ]
        created = OfficialAccount.objects.bulk_create(new, batch_size=500)
        OfficialAccount.objects.filter(pk__in=[a.pk for a in created]).update(
            created_at=datetime(2000, 4, 1, tzinfo=TOKYO)
        )
        last = current_fiscal_year()
        snapshots, reviews = [], []
        for account in created:
            count = rng.randint(100, 20000)
            for fy in range(last - years + 1, last + 1):
                count = max(0, int(count * rng.uniform(0.85, 1.3)))
                snapshots.append(FollowerSnapshot(account=account, recorded_on=date(fy + 1, 3, 31), count=count))
                if fy < last:
                    reviews.append(
                        YearEndReview(
                            account=account,
                            fiscal_year=fy,
                            status=YearEndReview.Status.SIGNED,
                            followers_end=count,
                            decision=ReviewDecision.CONSIDER_SUSPENSION
                            if rng.random() < 0.05
                            else ReviewDecision.CONTINUE,
                            drafted_by=head,
                            signed_by=head,
                        )
                    )
        today = date.today()
        FollowerSnapshot.objects.bulk_create([s for s in snapshots if s.recorded_on <= today], batch_size=2000)
        YearEndReview.objects.bulk_create(reviews, batch_size=2000)
        self.stdout.write(
            self.style.SUCCESS(
                f"アカウント {len(created)} 件、フォロワー数 {len(snapshots)} 件、"
                f"効果測定 {len(reviews)} 件を投入しました。"
            )
        )
