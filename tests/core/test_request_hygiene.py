"""What crosses the trust boundary in a request body: its size, and NUL characters (issue §5, §7)."""

import pytest
from django.test.client import ClientHandler
from django.urls import reverse

from monitoring import incidents
from monitoring.models import Evidence, Incident

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n"


class CountingBody:
    """A request body that is generated as it is read, and counts what was read (a 300 MB upload
    without 300 MB of memory)."""

    def __init__(self, head: bytes, filler: int, tail: bytes):
        self.parts = [head, filler, tail]
        self.read_bytes = 0

    @property
    def length(self) -> int:
        return len(self.parts[0]) + self.parts[1] + len(self.parts[2])

    def read(self, size=-1):
        size = self.length if size is None or size < 0 else size
        out = b""
        while size > 0 and self.parts:
            part = self.parts[0]
            if isinstance(part, int):
                n = min(size, part)
                out += b"\0" * n
                self.parts[0] = part - n
            else:
                n = min(size, len(part))
                out += part[:n]
                self.parts[0] = part[n:]
            if not self.parts[0]:
                self.parts.pop(0)
            size -= n
        self.read_bytes += len(out)
        return out

    def readline(self, size=-1):
        return self.read(size if size and size > 0 else 65536)


def _upload(client, url: str, file_bytes: int) -> tuple:
    boundary = "komaeBoundary"
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="screen.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode() + PNG
    body = CountingBody(head, file_bytes - len(PNG), f"\r\n--{boundary}--\r\n".encode())
    environ = {
        **client._base_environ(),
        "REQUEST_METHOD": "POST",
        "PATH_INFO": url,
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(body.length),
        "wsgi.input": body,
        "HTTP_COOKIE": "; ".join(f"{k}={v.value}" for k, v in client.cookies.items()),
    }
    response = ClientHandler(enforce_csrf_checks=False)(environ)
    return response, body


@pytest.fixture
def incident(account_a, staff_a):
    return incidents.incident_open(account_id=account_a.pk, actor=staff_a, kind="hijack", title="不審な投稿")


def test_a_300_mb_upload_is_refused_unread(client, staff_a, incident):
    client.force_login(staff_a)
    response, body = _upload(client, reverse("monitoring:incident_act", args=[incident.pk, "evidence"]), 300 * MB)
    assert response.status_code == 413
    assert "送信されたデータが大きすぎます" in response.content.decode()
    assert body.read_bytes == 0
    assert not Evidence.objects.exists()


def test_a_file_just_over_the_limit_is_not_stored_and_the_clerk_is_told_why(client, staff_a, incident, settings):
    client.force_login(staff_a)
    url = reverse("monitoring:incident_act", args=[incident.pk, "evidence"])
    response, body = _upload(client, url, settings.MAX_UPLOAD_BYTES + MB // 2)
    assert response.status_code == 302
    assert body.read_bytes <= settings.MAX_REQUEST_BODY_BYTES
    page = client.get(response.url).content.decode()
    assert "ファイルが大きすぎます（10 MBまで）" in page
    assert not Evidence.objects.exists()


def test_a_file_within_the_limit_is_kept(client, staff_a, incident):
    client.force_login(staff_a)
    response, _ = _upload(client, reverse("monitoring:incident_act", args=[incident.pk, "evidence"]), 64 * 1024)
    assert response.status_code == 302
    assert Evidence.objects.get().size == 64 * 1024


@pytest.mark.parametrize(
    ("method", "name", "args", "data"),
    [
        ("post", "monitoring:incident_act", "step", {"code": "record", "note": "メモ\x00"}),
        ("post", "monitoring:incident_act", "close", {"comment": "完了\x00"}),
        ("post", "monitoring:content_check", "account", {"note": "確認\x00"}),
        ("get", "reviews:dashboard", None, {"department": "K\x00A"}),
        ("get", "reviews:dashboard", None, {"department": "K\x00A", "format": "csv"}),
        ("get", "registry:verify", None, {"q": "komae\x00city"}),
        ("get", "accounts:list", None, {"q": "\x00"}),
    ],
)
def test_a_nul_character_is_answered_400_and_nothing_is_written(
    client, staff_a, incident, account_a, method, name, args, data
):
    client.force_login(staff_a)
    kwargs = {"pk": incident.pk, "action": args} if args in ("step", "close") else None
    if args == "account":
        kwargs = {"account_pk": account_a.pk}
    response = getattr(client, method)(reverse(name, kwargs=kwargs), data)
    assert response.status_code == 400
    assert "NUL文字" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN
    assert not incident.steps.filter(done_at__isnull=False).exists()
    assert not account_a.content_checks.exists()


@pytest.mark.parametrize(
    "header", [{"HTTP_COOKIE": 'sessionid="\\000abcdefghijk"'}, {"HTTP_USER_AGENT": "Mozilla\x00"}]
)
def test_a_nul_in_a_cookie_or_header_is_answered_400(client, header):
    response = client.get(reverse("registry:list"), **header)
    assert response.status_code == 400
