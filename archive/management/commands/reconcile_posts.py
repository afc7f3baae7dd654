"""`python manage.py reconcile_posts [--account ID]`: match the kept posts to their 決裁 now (issue 25),
and print per account the counts of 決裁済み, 確認済み and 未確認, and one line per 未確認 post with its URL."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import OfficialAccount
from core.audit import Job

from ...matching import counts_for, match_account
from ...models import Post


class Command(BaseCommand):
    help = (
        "保存した投稿を決裁と照合し、アカウントごとに決裁済み・確認済み・未確認の件数と、"
        "未確認の投稿のURLを表示します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, action="append", help="このIDのアカウントだけ（複数指定可）")

    def handle(self, *args, account=None, **options):
        if account:
            ids = sorted(set(account))
            found = set(OfficialAccount.objects.filter(pk__in=ids).values_list("pk", flat=True))
            missing = [str(pk) for pk in ids if pk not in found]
            if missing:
                raise CommandError(f"ID {'・'.join(missing)} のアカウントはありません。")
        else:
            ids = sorted(set(Post.objects.values_list("account_id", flat=True).distinct()))
        if not ids:
            self.stdout.write("保存した投稿のあるアカウントはありません。")
            return
        for account in OfficialAccount.objects.filter(pk__in=ids).select_related("platform").order_by("pk"):
            matched = match_account(account.pk, actor=Job.RECONCILE_COMMAND)
            counts = counts_for(account)
            line = (
                f"{account.platform.name} {account.display_name}（ID {account.pk}）："
                f"決裁済み {counts.approved}件・確認済み {counts.confirmed + counts.after}件"
                f"（うち事後確認 {counts.after}件）・未確認 {counts.unconfirmed + counts.reported}件"
            )
            extras = []
            if counts.reported:
                extras.append(f"うち報告済み {counts.reported}件")
            if counts.before:
                extras.append(f"対象外（決裁の利用開始前） {counts.before}件")
            if matched:
                extras.append(f"今回照合 {matched}件")
            if not account.approval_required:
                extras.append("決裁不要のアカウント")
            self.stdout.write(line + (f"（{'・'.join(extras)}）" if extras else ""))
            for post in counts.open_posts:
                self.stdout.write(f"  未確認：{post.url or post.post_id}")
