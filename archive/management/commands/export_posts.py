"""`python manage.py export_posts --account ID [--from DATE --to DATE] --format csv|pdf|warc -o FILE`:
one account's kept posts as a file for a handover (情報公開請求), recorded as Job.EXPORT_COMMAND."""

import os
import re
import tempfile
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import OfficialAccount
from core.audit import Job
from core.pdf import DocumentFontMissing

from ...exports import FORMATS, Selection, record_export, write_export

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    if not _DATE.match(value):
        raise CommandError(
            f"{option} の日付は YYYY-MM-DD の形で指定してください（例：2026-04-01）。「{value}」は読めません。"
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} の「{value}」はありえない日付です。") from None


class Command(BaseCommand):
    help = (
        "一つのアカウントの保存した投稿を、期間を決めて CSV・PDF・WARC のファイルに書き出します"
        "（情報公開請求など）。書き出したことは監査記録に残ります。"
    )

    def add_arguments(self, parser):
        # Checked in handle(), not by argparse, so that every refusal is in Japanese.
        parser.add_argument("--account", help="アカウントのID（必須）")
        parser.add_argument("--from", dest="start", help="この日以降の投稿（YYYY-MM-DD、日本時間）")
        parser.add_argument("--to", dest="end", help="この日までの投稿（YYYY-MM-DD、日本時間、その日を含む）")
        parser.add_argument("--format", dest="fmt", help="csv・pdf・warc のいずれか（必須）")
        parser.add_argument("-o", "--output", help="書き出すファイル（必須）")

    def handle(self, *args, account=None, start=None, end=None, fmt=None, output=None, **options):
        missing = [name for name, value in (("--account", account), ("--format", fmt), ("-o", output)) if not value]
        if missing:
            raise CommandError(f"{'・'.join(missing)} を指定してください。")
        if not (account.isascii() and account.isdigit()) or len(account) > 18:
            raise CommandError(f"--account にはアカウントのID（数字）を指定してください。「{account}」は読めません。")
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise CommandError(
                f"--format は {'・'.join(FORMATS)} のいずれかを指定してください。「{fmt}」は使えません。"
            )
        first, last = _date(start, "--from"), _date(end, "--to")
        if first and last and last < first:
            raise CommandError("--to の日付が --from より前です。")
        try:
            found = OfficialAccount.objects.select_related("platform", "department").get(pk=int(account))
        except OfficialAccount.DoesNotExist:
            raise CommandError(f"ID {account} のアカウントはありません。") from None
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"書き出し先のフォルダ「{target.parent}」がありません。")
        selection = Selection(account=found, start=first, end=last)
        # Written beside the target and moved over it when complete: never a half-written file; the
        # handover is recorded once the file is in place.
        try:
            handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        except OSError as exc:
            raise CommandError(f"「{target.parent}」に書き込めません（{exc.strerror}）。") from exc
        try:
            with os.fdopen(handle, "wb") as out:
                count = write_export(selection=selection, fmt=fmt, out=out, made_by="サーバーのコマンド")
            os.replace(partial, target)
        except DocumentFontMissing as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"「{target}」に書き出せませんでした（{exc.strerror}）。") from exc
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        record_export(selection=selection, fmt=fmt, actor=Job.EXPORT_COMMAND, count=count)
        self.stdout.write(
            f"{found.display_name}（{found.platform.name} @{found.handle}）の投稿 {count}件"
            f"（{selection.period_label}）を {target} に書き出しました。"
        )
