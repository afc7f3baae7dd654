"""Release a sign-in lockout from the server, for when no sysadmin can sign in (audited)."""

from django.core.management.base import BaseCommand, CommandError

from core.audit import Job
from core.errors import TransitionError
from org.lockouts import lockout_release


class Command(BaseCommand):
    help = "ログインのロックを解除します（システム管理者がログインできないときのため。監査記録に残ります）。"

    def add_arguments(self, parser):
        parser.add_argument("--username", help="ロックを解除する利用者名（--address と両方で、その組だけ）")
        parser.add_argument("--address", help="ロックを解除するIPアドレス")
        parser.add_argument("--comment", default="", help="理由・本人確認の方法")

    def handle(self, *args, username=None, address=None, comment="", **options):
        try:
            release = lockout_release(
                actor=Job.UNLOCK_COMMAND, username=username or "", address=address or "", comment=comment
            )
        except TransitionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"ロックを解除しました：{release.target}"))
