"""Structured logs (issue 14): one JSON object per line, with the request id carried into tasks."""

import contextlib
import io
import json
import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client

from core.logs import HEADER, JsonFormatter, RequestIdFilter, current_request_id
from komae_sns.celery import app

pytestmark = pytest.mark.django_db

SEEN_BY_TASKS: list[tuple[str, str]] = []


@app.task(name="tests.core.report_request_id")
def report_request_id(label: str) -> None:
    """What a task sees of the request that queued it (and logs a line of its own)."""
    logging.getLogger("komae_sns.test").info("task ran for %s", label)
    SEEN_BY_TASKS.append((label, current_request_id()))


@contextlib.contextmanager
def capturing():
    """The JSON lines the project's formatter writes, as the city's collector would read them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
def log_lines():
    with capturing() as lines:
        yield lines


def test_each_request_has_an_id_in_its_response_and_on_its_log_line(client, log_lines):
    response = client.get("/registry/?q=secret-looking-query")
    request_id = response[HEADER]
    assert len(request_id) == 32
    (line,) = [entry for entry in log_lines() if entry["logger"] == "komae_sns.request"]
    assert line["request_id"] == request_id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/registry/", 200)
    assert "secret-looking-query" not in json.dumps(line)  # the path only, never the query
    assert isinstance(line["duration_ms"], float) and line["time"].endswith("+00:00")


def test_the_proxys_request_id_is_kept_and_a_malformed_one_replaced(log_lines):
    client = Client()
    assert client.get("/healthz", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")[HEADER] == (
        "0123456789abcdef0123456789abcdef"
    )
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"level": "CRITICAL')[HEADER]
    assert len(forged) == 32 and "CRITICAL" not in forged
    assert [entry["request_id"] for entry in log_lines() if entry["logger"] == "komae_sns.request"] == [
        "0123456789abcdef0123456789abcdef",
        forged,
    ]


def test_the_access_line_names_the_signed_in_user(client, staff_a, log_lines):
    client.force_login(staff_a)
    client.get("/")
    (line,) = [entry for entry in log_lines() if entry["logger"] == "komae_sns.request"]
    assert line["user_id"] == staff_a.pk and line["status"] == 200


def test_an_error_with_its_traceback_stays_one_line(log_lines):
    try:
        raise ValueError("壊れた値")
    except ValueError:
        logging.getLogger("komae_sns.test").exception("処理に失敗しました")
    (entry,) = log_lines()
    assert entry["message"] == "処理に失敗しました" and "ValueError: 壊れた値" in entry["exception"]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_queued_by_a_request_logs_with_the_requests_id():
    """Through the real broker to a real worker: the id travels with the message."""
    from core import logs

    SEEN_BY_TASKS.clear()
    # The worker configures Django's logging as it starts: the capture is added after that.
    with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        with capturing() as log_lines:
            token = logs._request_id.set("feedfacefeedface0001")
            try:
                report_request_id.delay("queued in a request")
            finally:
                logs._request_id.reset(token)
            report_request_id.delay("queued by beat")  # no request: no id
            deadline = time.monotonic() + 20
            while len(SEEN_BY_TASKS) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            lines = log_lines()
    assert dict(SEEN_BY_TASKS) == {"queued in a request": "feedfacefeedface0001", "queued by beat": ""}
    ran = {entry["message"]: entry for entry in lines if entry["message"].startswith("task ran for")}
    assert ran["task ran for queued in a request"]["request_id"] == "feedfacefeedface0001"
    assert ran["task ran for queued in a request"]["task"].startswith("tests.core.report_request_id[")
    assert ran["task ran for queued by beat"]["request_id"] == ""


# --- forged lines (issue 20) -------------------------------------------------------------------------

FORGED = "2026-12-03 00:00:00,000 ERROR django.security [-] 管理者のパスワードを変更しました"


@contextlib.contextmanager
def configured_console(log_format: str):
    """The console handler exactly as settings.LOGGING builds it, in `log_format`, writing to a string."""
    import copy
    import logging.config

    from django.conf import settings

    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"].update(formatter=log_format, stream=stream)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logging.config.dictConfig(config)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_request_cannot_write_a_forged_line_into_the_log(client, log_format):
    """GET /registry/%0A<a log line> (and the other line breaks) stays on the request's own line."""
    breaks = ["%0A", "%0D", "%0D%0A", "%C2%85", "%E2%80%A8", "%0B", "%1E"]
    with configured_console(log_format) as stream:
        for newline in breaks:
            client.get(f"/registry/{newline}{FORGED.replace(' ', '%20')}")
        try:
            raise ValueError(f"bad input\n{FORGED}")
        except ValueError:
            logging.getLogger("komae_sns.test").exception("failed on %s", f"x\r\n{FORGED}")
    written = stream.getvalue()
    lines = written.splitlines()  # splits at every line break Python knows, as a careless reader would
    # One line per record: each access line, Django's 404 warning, the error with its traceback.
    assert len(lines) == 2 * len(breaks) + 1 == written.count("\n")
    assert not [line for line in lines if line.startswith(FORGED[:29])]
    access = [line for line in lines if "GET /registry/" in line]
    assert len(access) == len(breaks) and all(FORGED in line for line in access)  # kept, escaped
    if log_format == "text":
        assert "GET /registry/\\n2026-12-03" in access[0] and "GET /registry/\\u20282026" in access[4]
        assert "Traceback" in lines[-1] and "ValueError: bad input\\n2026-12-03" in lines[-1]
    else:
        assert [json.loads(line)["path"][len("/registry/") :][:1] for line in access] == [
            "\n",
            "\r",
            "\r",
            "\x85",
            "\u2028",
            "\x0b",
            "\x1e",
        ]
        assert "bad input\n2026-12-03" in json.loads(lines[-1])["exception"]


def test_the_development_servers_request_lines_are_escaped_too():
    """runserver logs the raw request line (django.server): the same handler, one line, no terminal codes."""
    with configured_console("text") as stream:
        logging.getLogger("django.server").info('"%s" %s %s', f"GET /\x1b[2J\n{FORGED} HTTP/1.1", "404", "0")
    (line,) = stream.getvalue().splitlines()
    assert "django.server" in line and "\x1b" not in line and "GET /\\x1b[2J\\n2026-12-03" in line
