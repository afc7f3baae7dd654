from django.core.exceptions import PermissionDenied


class TransitionError(Exception):
    """A refused state change; the message is Japanese and shown to the user as is."""


class DeletionForbidden(PermissionDenied):
    """Raised by every delete path of a record that must be kept (G-4-5-エ, audit trail)."""
