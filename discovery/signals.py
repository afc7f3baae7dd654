def report_received(sender, instance, created, **kwargs):
    """A resident's new report joins the queue in the same transaction (accounts knows nothing of it)."""
    if created:
        from .services import queue_report

        queue_report(instance)
