from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "投稿の保存"

    def ready(self):
        # An incident's evidence from the archive: its page and its PDF (monitoring/evidence_sources.py).
        from .evidence import contribute as contribute_evidence

        contribute_evidence()

        # --- Retention and posts recorded by hand (issue 22): the account page's 「保存した投稿」.
        from .page import contribute

        contribute()

        # --- Posts matched to their 決裁 (issue 25): the 課長's daily reminder of unanswered posts.
        from monitoring.reminders import add_reminder_source

        from .matching import reminder_lines

        add_reminder_source(reminder_lines)
