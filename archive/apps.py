from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "投稿の保存"

    def ready(self):
        # --- Retention and posts recorded by hand (issue 22): the account page's 「保存した投稿」.
        from .page import contribute

        contribute()
