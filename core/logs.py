"""Structured logs (issue 14): one JSON object per line, each with the id of the request it belongs to,
carried into the Celery tasks the request queued, so the city's log collector can follow one
request through the web app and the worker.

- RequestIdMiddleware takes the id nginx gives (`proxy_set_header X-Request-ID $request_id;`) when it
  is well-formed, or makes one; it is on every log line of the request, in the response header, and
  in one access line per request (method, path, status, duration, user id — never a query string,
  a form value or a cookie).
- Celery: the id travels as a message header (before_task_publish) and is restored in the worker
  around the task (task_prerun / task_postrun), together with the task's name and id.
- LOG_FORMAT=json (the default with DEBUG=false) or text (the default in development). Neither lets a
  record span lines: every control character and line break (CR, LF, NEL, U+2028 …) in the message,
  its arguments and the exception's text is written escaped, so no request can forge a line.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun

HEADER = "X-Request-ID"
_request_id = contextvars.ContextVar("request_id", default="")
_task = contextvars.ContextVar("task", default="")
# What an id from the proxy may look like: nginx's $request_id is 32 hex digits; nothing that could
# break a log line or forge another field.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")

access_log = logging.getLogger("komae_sns.request")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """First in MIDDLEWARE: every log line of the request carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _WELL_FORMED.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            # The user only if the request already loaded it: never a session lookup for the log
            # (a public page reads no session; a broken session cookie must not fail the line).
            user = getattr(request, "_cached_user", None)
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if getattr(user, "is_authenticated", False) else None,
                },
            )
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request id and task on every record (the text format names them too)."""

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = _request_id.get()
        if not getattr(record, "task", ""):
            record.task = _task.get()
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

# Everything a reader could take for the end of a line or a terminal command: C0 (tab, LF, CR, ESC …),
# DEL, C1 (NEL …) and Unicode's line and paragraph separators (str.splitlines breaks at all of them).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escaped(text: str) -> str:
    """`text` on one line: each control character as \\n, \\r, \\t, \\xNN or \\uNNNN."""
    return _CONTROL.sub(lambda m: _NAMED.get(m[0]) or repr(m[0])[1:-1], text)


class TextFormatter(logging.Formatter):
    """The readable format of development, one record per line: the whole line (message, arguments,
    traceback) with its control characters escaped."""

    def format(self, record):
        return escaped(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, task, and any
    `extra=` fields; an exception's traceback is a field, so a record never spans lines."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or _request_id.get(),
            "task": getattr(record, "task", "") or _task.get(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key in entry or key.startswith("_"):
                continue
            entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        # json.dumps escapes C0 but writes NEL and U+2028/U+2029 as they are: they end a line for
        # some readers. Outside a JSON string they cannot occur, so \\uNNNN is the same value.
        return _JSON_BREAKS.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(entry, ensure_ascii=False))


_JSON_BREAKS = re.compile("[\x7f-\x9f\u2028\u2029]")


# --- Celery: the request id into the task, and the worker's logs as Django configures them --------


@setup_logging.connect
def _logging_is_djangos(**kwargs):
    """Celery leaves the logging to Django's LOGGING (so the worker writes the same JSON lines)."""


@before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    request_id = _request_id.get()
    if request_id and headers is not None:
        headers.setdefault("request_id", request_id)


_tokens: dict[str, tuple] = {}


@task_prerun.connect
def _enter_task(task_id=None, task=None, **kwargs):
    # The id the message carries; an eager task (tests, the embedded default) keeps the caller's.
    request_id = getattr(task.request, "request_id", None) or _request_id.get()
    _tokens[task_id] = (_request_id.set(request_id), _task.set(f"{task.name}[{task_id}]"))


@task_postrun.connect
def _leave_task(task_id=None, **kwargs):
    tokens = _tokens.pop(task_id, None)
    if tokens:
        try:
            _request_id.reset(tokens[0])
            _task.reset(tokens[1])
        except ValueError:  # ended in another context than it began: nothing of ours to undo there
            pass
