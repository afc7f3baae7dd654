from django.core.exceptions import PermissionDenied
from django.views.debug import SafeExceptionReporterFilter


class TransitionError(Exception):
    """A refused state change; the message is Japanese and shown to the user as is.

    ``field`` names the form field the refusal is about (the short notice's reason): the page shows
    it beside that field and links to it from the error summary (core.forms.show_refusal).
    """

    def __init__(self, *args, field: str = ""):
        super().__init__(*args)
        self.field = field


class DeletionForbidden(PermissionDenied):
    """Raised by every delete path of a record that must be kept (G-4-5-エ, audit trail)."""


class AlwaysSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hide what is marked sensitive (sensitive_variables, sensitive_post_parameters) in every error
    report, the DEBUG page too (issue 20): Django's own filter is off under DEBUG, and DEBUG is this
    app's development default — where a sysadmin tries a real token before going live."""

    def is_active(self, request) -> bool:
        return True
