"""Restore a backup written by `manage.py backup`, all or nothing (core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BackupError, backup_restore
from core.dbroles import connect_as_schema_owner


class Command(BaseCommand):
    help = (
        "manage.py backup が書き出したフォルダから、データベースとメディアのファイルを復元します。"
        "復元先は migrate しただけの空のデータベースです。manifest.json と、発行済みの運用ポリシーのPDFなど"
        "記録されたSHA-256を先に確かめ、壊れたバックアップや途中までのバックアップは何も変更せずに断ります。"
        "web・worker・beat を止めてから実行してください。"
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="バックアップのフォルダ（manifest.json のあるフォルダ）")
        parser.add_argument(
            "--force",
            action="store_true",
            help="空でないデータベースにも復元する（今のデータベースの内容とメディアのファイルは失われます）",
        )

    def handle(self, *args, source: Path, force: bool = False, **options):
        connect_as_schema_owner()  # pg_restore drops and creates the tables: the owner's work
        try:
            record = backup_restore(source=source, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        taken = timezone.localtime(record.taken_at)
        said = f"復元しました：{record.path}（{taken:%Y-%m-%d %H:%M} のバックアップ、{record.file_count}ファイル）"
        self.stdout.write(self.style.SUCCESS(said))
