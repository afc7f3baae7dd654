"""Encrypt every API token in use again with the first key of CREDENTIAL_KEYS (audited).

Rotating the key: put the new key in front (CREDENTIAL_KEYS=NEW,OLD), restart, run this command,
then remove OLD (CREDENTIAL_KEYS=NEW) and restart again.
"""

from django.core.management.base import BaseCommand, CommandError

from platforms.credentials import rotate_keys


class Command(BaseCommand):
    help = "APIトークンを CREDENTIAL_KEYS の先頭の鍵で暗号化し直します（古い鍵を外す前に実行します）。"

    def handle(self, *args, **options):
        result = rotate_keys()
        self.stdout.write(self.style.SUCCESS(f"{result.rotated}件のAPIトークンを新しい鍵で暗号化し直しました。"))
        if result.unreadable:
            for credential in result.unreadable:
                self.stderr.write(f"復号できません：{credential}")
            raise CommandError(
                f"{len(result.unreadable)}件はどの鍵でも復号できませんでした。"
                "システム管理者がAPIトークンの管理画面で登録し直してください。"
            )
