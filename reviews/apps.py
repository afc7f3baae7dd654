from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "効果測定・運用停止"

    def ready(self):
        # G-4-5-ア: the reviews due go into the one daily reminder mail that monitoring sends.
        from monitoring.reminders import add_reminder_source

        from .reminders import reviews_due

        add_reminder_source(reviews_due)
