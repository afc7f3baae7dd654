from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "discovery"
    verbose_name = "なりすましの発見"

    def ready(self):
        # A judged impersonator's kept profile with its incident (monitoring/evidence_sources.py).
        from .evidence import contribute

        contribute()

        # Residents' reports (accounts.reports) join the queue as they arrive.
        from django.db.models.signals import post_save

        from accounts.models import ResidentReport

        from .signals import report_received

        post_save.connect(report_received, sender=ResidentReport, dispatch_uid="discovery_report_received")
