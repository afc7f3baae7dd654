"""Uploads stop being read into a file past MAX_UPLOAD_BYTES (the evidence limit, SPEC §4.5)."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


def size_label(n: int) -> str:
    """10 MB, 10.5 MB: how a limit is written in messages and labels."""
    return f"{n / (1024 * 1024):g} MB"


class SizeLimitUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: passes chunks on until a file grows past the limit, then skips it.

    The request is marked (`request.upload_too_large`) so the view can say why, instead of "no file".
    The whole body is already capped by RequestHygieneMiddleware, so what is skipped is bounded too.
    """

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) builds the file
