"""Who sees what on the dashboard beyond the workflows' own rules."""

from org.roles import is_sysadmin


def can_see_backups(user) -> bool:
    """Issue 14: the last backup and its age are the sysadmin's to watch (they run the server)."""
    return is_sysadmin(user)
