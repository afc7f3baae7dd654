"""Back up the database and every media file into a folder, with manifest.json (core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import Job
from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "データベース（PostgreSQLは pg_dump、SQLiteはバックアップAPI）と"
        "メディアのファイル（運用ポリシーのPDF・証拠）を、各ファイルのSHA-256の一覧（manifest.json）とともにフォルダへ書き出します。アプリを動かしたままで実行できます。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="書き出すフォルダ（まだないか、空のフォルダ）")

    def handle(self, *args, output: Path, **options):
        try:
            record = backup_create(output=output, actor=Job.BACKUP_COMMAND)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"バックアップを書き出しました：{record.path}（{record.file_count}ファイル、{record.size:,}バイト）"
            )
        )
