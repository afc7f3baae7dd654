"""`python manage.py discover_lookalikes [--platform CODE]` (issue 23): a pass now.

Prints one line per candidate it has not seen before — platform, handle, display name, and why — and,
for a platform it could not search, why not and what the city can do instead. A pass that finds
nothing new prints no candidate."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Platform
from core.audit import Job
from discovery.platforms import DEFAULT_ALTERNATIVE
from discovery.services import discover, recheck_warnings
from platforms.reads import search_alternative


def _one_line(text: str, limit: int = 80) -> str:
    """A hostile name stays on its line and within bounds: controls and bidi overrides written out."""
    shown = "".join(
        ch
        if ch.isprintable() and not 0x202A <= ord(ch) <= 0x202E and not 0x2066 <= ord(ch) <= 0x2069
        else f"\\u{ord(ch):04x}"
        for ch in text
    )
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


class Command(BaseCommand):
    help = "なりすましアカウントの候補を、アカウントを検索できるSNSで今すぐ探します。"

    def add_arguments(self, parser):
        parser.add_argument("--platform", help="このSNSだけを検索する（コード：x, bluesky, youtube など）")

    def handle(self, *args, platform=None, **options):
        if platform and not Platform.objects.filter(code=platform).exists():
            codes = ", ".join(Platform.objects.order_by("sort_order").values_list("code", flat=True))
            raise CommandError(f"SNSのコード「{platform}」はありません（{codes}）")
        results = discover(platform_code=platform, job=Job.DISCOVERY_COMMAND)
        for result in results:
            for c in result.new:
                why = "・".join(r["words"] for r in c.reasons) or "—"
                self.stdout.write(
                    f"{c.platform.name}\t@{_one_line(c.handle, 60)}\t{_one_line(c.display_name or '（表示名なし）')}"
                    f"\t類似度{c.score}：{_one_line(why, 200)}"
                )
            if result.problem:
                if result.searched:
                    self.stderr.write(f"{result.platform.name}：検索を中断しました：{result.problem}")
                else:
                    alternative = search_alternative(result.platform) or DEFAULT_ALTERNATIVE
                    self.stderr.write(f"{result.platform.name}：{result.problem}（代わりに：{alternative}）")
        if not platform:
            for line in recheck_warnings(job=Job.DISCOVERY_COMMAND):
                self.stderr.write(line)
