"""`python manage.py archive_posts [--account ID]`: capture now, and print per account what was found."""

from django.core.management.base import BaseCommand, CommandError

from core.audit import Job

from ...capture import accounts_to_capture, capture_many


class Command(BaseCommand):
    help = "公式アカウントの投稿を今すぐ保存し、アカウントごとに新規・変更・削除を確認・確認できずを表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, action="append", help="このIDのアカウントだけ（複数指定可）")
        parser.add_argument("--concurrency", type=int, default=8, help="同時に読み取るアカウントの数（既定 8）")

    def handle(self, *args, account=None, concurrency=8, **options):
        accounts = accounts_to_capture()
        if account:
            ids = sorted(set(account))
            found = set(accounts.filter(pk__in=ids).values_list("pk", flat=True))
            missing = [str(pk) for pk in ids if pk not in found]
            if missing:
                raise CommandError(
                    f"ID {'・'.join(missing)} は保存の対象のアカウントではありません"
                    "（運用中・停止予告中・運用停止のアカウントを指定してください）。"
                )
        else:
            ids = list(accounts.order_by("pk").values_list("pk", flat=True))
        if not ids:
            self.stdout.write("保存の対象のアカウントはありません。")
            return
        outcomes = capture_many(ids, job=Job.ARCHIVE_COMMAND, concurrency=max(1, min(concurrency, 32)))
        for outcome in outcomes:
            self.stdout.write(outcome.line())
        failed = sum(1 for o in outcomes if o.failed)
        self.stdout.write(
            f"合計：新規 {sum(o.new for o in outcomes)}件・変更 {sum(o.changed for o in outcomes)}件・"
            f"削除を確認 {sum(o.gone for o in outcomes)}件・確認できず {failed}アカウント"
        )
