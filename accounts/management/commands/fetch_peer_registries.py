"""`python manage.py fetch_peer_registries` (issue 24): read every peer's accounts.json now.

Prints one line per peer: its URL and the result — 更新 n件, 変更なし(304), 変更なし（n件）, or
失敗：why (since when its copy is stale); the entries it published that claim this city's own
accounts follow as 名乗り (ignored). Exits 1 when a peer failed, so a cron or a check can tell."""

from django.core.management.base import BaseCommand

from accounts.models import PeerRegistry
from accounts.peers import fetch_peers


def _printable(text: str) -> str:
    """A peer's words stay on their line: controls and bidi overrides written out."""
    return "".join(
        ch
        if ch == "\t" or (ch.isprintable() and not 0x202A <= ord(ch) <= 0x202E and not 0x2066 <= ord(ch) <= 0x2069)
        else f"\\u{ord(ch):04x}"
        for ch in text
    )


class Command(BaseCommand):
    help = "他の団体の公式アカウント一覧（accounts.json）を今すぐ取得し、団体ごとの結果を表示します。"

    def handle(self, *args, **options):
        results = fetch_peers()
        if not results:
            self.stdout.write(
                "読み取る他の団体の一覧はありません（[registry] peers・REGISTRY_PEERS・管理画面で設定）。"
            )
            return
        for result in results:
            self.stdout.write(_printable(result.line))
        failed = sum(r.outcome == PeerRegistry.Result.FAILED for r in results)
        if failed:
            self.stderr.write(f"{len(results)}団体中 {failed}団体の取得に失敗しました。")
            raise SystemExit(1)
