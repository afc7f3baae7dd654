"""Write an account's 運用ポリシー as PDF from the shell: the same file the screens serve."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import lookup
from accounts.models import OfficialAccount
from accounts.selectors import accounts_matching_reference, platform_host_map
from core.pdf import DocumentFontMissing
from policies import services
from policies.models import PolicyDraft


class Command(BaseCommand):
    help = "運用ポリシーをPDFに書き出します（--version 省略時は最新の版、版がなければ「案」）。"

    def add_arguments(self, parser):
        parser.add_argument("--account", required=True, help="アカウントのID、@ユーザー名、またはプロフィールURL")
        # Our --version is the policy's 版, which replaces Django's "print the Django version".
        parser.conflict_handler = parser._optionals.conflict_handler = "resolve"
        parser.add_argument("--version", type=int, help="版の番号（1 = 制定）")
        parser.add_argument("-o", "--output", required=True, help="書き出すファイル")

    def handle(self, *args, account, version, output, **options):
        target = self._account(account)
        try:
            data, label = self._pdf(target, version)
        except DocumentFontMissing as exc:
            raise CommandError(str(exc)) from exc
        Path(output).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"{label} を {output} に書き出しました（{len(data):,} バイト）。"))

    def _account(self, value: str) -> OfficialAccount:
        if value.isdigit():
            matches = list(OfficialAccount.objects.filter(pk=int(value)).select_related("platform"))
        else:
            ref = lookup.parse_reference(value, platform_host_map())
            matches = list(accounts_matching_reference(ref)) if ref else []
        if not matches:
            raise CommandError(f"アカウント「{value}」が見つかりません。")
        if len(matches) > 1:
            names = "、".join(f"{a.pk}: {a.platform.name} @{a.handle}" for a in matches)
            raise CommandError(
                f"「{value}」に当たるアカウントが複数あります。IDかプロフィールURLで指定してください（{names}）。"
            )
        return matches[0]

    def _pdf(self, account: OfficialAccount, number: int | None) -> tuple[bytes, str]:
        versions = account.policy_versions.order_by("-number")
        version = versions.filter(number=number).first() if number else versions.first()
        if number and version is None:
            raise CommandError(f"{account} の{settings.CITY.policy_name}に第{number}版はありません。")
        if version is not None:
            version = services.policy_version_render(version_id=version.pk)
            with version.pdf.open("rb") as handle:
                return handle.read(), f"{version.title} 第{version.number}版"
        draft = PolicyDraft.objects.filter(account=account).first()
        if draft is None:
            raise CommandError(f"{account} には{settings.CITY.policy_name}の版も案もありません。")
        return services.draft_pdf(draft), f"{draft.title}（案）"
