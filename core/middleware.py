"""Request hygiene before any view runs (bounded bodies, no NUL characters); our own 404 page."""

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import Resolver404, get_resolver, resolve

from .uploads import size_label

NUL_MESSAGE = "入力に使用できない文字（NUL文字）が含まれています。内容を確かめてもう一度送信してください。"


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)


class RequestHygieneMiddleware:
    """Refuse what no form of ours can send, with a Japanese page, before anything is read or stored.

    - A body larger than MAX_REQUEST_BODY_BYTES (by its Content-Length) is refused with 413 without
      reading it: a 300 MB upload is not read whole only to be refused at 10 MB. The reverse proxy
      should refuse it first (nginx: client_max_body_size, README "Security").
    - A NUL character in a query or form value, a cookie or another header: PostgreSQL text refuses
      it (a DataError, a 500), and no person types one. Forms refuse it too; this covers values read
      without a form, the session key, and the User-Agent kept with a failed sign-in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return render(
                request,
                "400.html",
                {
                    "title": "送信されたデータが大きすぎます",
                    "exception": f"一度に送信できるのは{size_label(settings.MAX_REQUEST_BODY_BYTES)}までです。"
                    f"添付ファイルは{size_label(settings.MAX_UPLOAD_BYTES)}までにしてください。",
                },
                status=413,
            )
        if any("\x00" in v for v in request.COOKIES.values()) or any(
            "\x00" in v for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str)
        ):
            # A cookie (the session key) or a header (the User-Agent a failed sign-in keeps): answered
            # without a page of ours, whose menu would look the session up with that key.
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return render(
                request,
                "400.html",
                {"exception": NUL_MESSAGE},
                status=400,
            )
        return self.get_response(request)


class OwnNotFoundPageMiddleware:
    """A page that does not exist is our Japanese 404 page under DEBUG too (issue 20).

    With DEBUG=True Django answers Http404 with its English technical page, which a clerk trying a
    development or training install meets as a broken app. Production (DEBUG=false) is unchanged:
    Django already uses the URLconf's 404 handler there. Placed late in MIDDLEWARE (only
    django-axes after it), so the other middleware (frame options, the slash redirect of
    CommonMiddleware) still see the answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG:
            try:
                resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return self._not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return self._not_found(request, exception)
        return None

    @staticmethod
    def _not_found(request, exception):
        handler = get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(404)
        return handler(request, exception)
