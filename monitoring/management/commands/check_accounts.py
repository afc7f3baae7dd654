"""Run the public-profile status checks now and print the results (G-4-5-エ, G-4-3-カ)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import OfficialAccount
from monitoring.status import accounts_due_for_checks, check_now, reason_of


class Command(BaseCommand):
    help = "公式アカウントの公開プロフィールを今すぐ確認し、結果を表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--account", help="アカウントのID（省略時は確認対象のすべて）")
        parser.add_argument("--concurrency", type=int, default=16)

    def handle(self, *args, account=None, concurrency=16, **options):
        if account:
            targets = OfficialAccount.objects.filter(pk=account if account.isdigit() else -1).select_related("platform")
            if not targets:
                raise CommandError(f"アカウント「{account}」が見つかりません。IDで指定してください。")
        else:
            targets = accounts_due_for_checks()
        for check in check_now(targets, concurrency=concurrency):
            # One line per account: ID, 異常なし / 異常あり / 確認できず, the account, the reason.
            self.stdout.write(
                f"{check.account_id:>6} {check.get_outcome_display()} {check.account}：{reason_of(check)}"
            )
