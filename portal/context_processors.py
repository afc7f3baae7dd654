from core.models import Notice


def unread_notices(request):
    """The menu's unread count (one query for a signed-in user, none for a citizen)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notice_count": Notice.objects.filter(recipient=user, read_at__isnull=True).count()}
