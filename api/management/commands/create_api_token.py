"""Create a token of the API for a person from the server (issue 24); the token is the last word printed."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.forms import DEFAULT_DAYS
from api.tokens import token_create
from core.audit import Job
from core.dates import to_wareki
from core.errors import TransitionError


class Command(BaseCommand):
    help = (
        "外部ツール用のAPIトークンを作成し、最後の語として表示します（この一度だけ。監査記録には"
        "サーバーのコマンドとして残ります）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="トークンが代わりに動く利用者の利用者名")
        parser.add_argument(
            "--scopes", required=True, help="範囲をカンマ区切りで（registry,screening,archive,incidents:read）"
        )
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"有効期間（日、既定 {DEFAULT_DAYS}）")
        parser.add_argument("--name", default="", help="用途（既定：コマンドで作成）")

    def handle(self, *args, user, scopes, days, name="", **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"利用者「{user}」は見つかりません。")
        try:
            created = token_create(
                actor=Job.API_TOKEN_COMMAND,
                owner_id=owner.pk,
                name=name or f"コマンドで作成（{timezone.localdate():%Y-%m-%d}）",
                scopes=scopes.split(","),
                days=days,
            )
        except TransitionError as exc:
            raise CommandError(str(exc)) from exc
        token = created.token
        self.stdout.write(
            f"{owner.display_name}（{owner.username}）として動くAPIトークンを作成しました"
            f"（識別子 {token.prefix}、範囲 {','.join(token.scopes)}、"
            f"有効期限 {to_wareki(timezone.localdate(token.expires_at))}）。この一度だけ表示します："
        )
        self.stdout.write(created.text)
