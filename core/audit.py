from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent


def audit_record(
    *,
    target,
    actor,
    action: str,
    summary: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Append one audit row for `target`; call it inside the transaction that made the change."""
    return AuditEvent.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        action=action,
        summary=summary,
        from_state=from_state,
        to_state=to_state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        comment=comment,
        changes=changes or {},
    )
