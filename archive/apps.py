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
        from screening.drafts import add_link_listener

        from .matching import link_pasted, reminder_lines

        add_reminder_source(reminder_lines)
        # A post's URL pasted on its draft links the post at once when the archive holds it already.
        add_link_listener(link_pasted)
