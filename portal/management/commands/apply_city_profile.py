"""`manage.py apply_city_profile`: the city profile's SNS and 運用ポリシー template into the database."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from core.audit import Job
from portal.city_profile import apply_profile


class Command(BaseCommand):
    help = (
        "プロファイル（CITY_PROFILE）のSNSと運用ポリシーのテンプレートをデータベースに登録します。"
        "登録済みのもの・画面で編集されたものは変更しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--policy-template",
            action="store_true",
            help="既定のテンプレートがプロファイルの文面と異なるとき、プロファイルの文面を新しい版にする",
        )

    def handle(self, *args, policy_template=False, **options):
        self.stdout.write(f"プロファイル: {settings.CITY_PROFILE}（{settings.CITY_NAME}）")
        with transaction.atomic():
            for line in apply_profile(actor=Job.PROFILE_COMMAND, revise_policy_template=policy_template):
                self.stdout.write(line)
