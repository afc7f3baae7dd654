"""A local HTTP server that plays other municipalities' registries (issue 24; no network, no mocks).

`server.publish(path, payload)` serves a JSON document at `path` with an ETag and a Last-Modified; a
request sending the ETag back (If-None-Match) gets 304. Fixed misbehaviours:
/huge (50 MB of JSON, with no Content-Length: the client learns the size only by reading; with
`?declared=1` it says so in Content-Length), /invalid (not JSON), /away?to=URL (a redirect there),
/drip (a JSON answer that never ends: a byte every DRIP_SECONDS), /status?code=N.
`requests` records (path, headers) of every request; `bodies` maps a path to bytes served as they are.

`peer_payload(...)` builds a peer's accounts.json by hand in the shape /registry/accounts.json
publishes (format 2), or today's shape without the format key (format 1).
"""

import hashlib
import json
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

POLL_SECONDS = 0.01
DRIP_SECONDS = 0.2
HUGE_BYTES = 50 * 1024 * 1024


def peer_account(handle: str, *, platform: str = "X", code: str = "x", name: str = "", department: str = "") -> dict:
    hosts = {
        "x": "https://x.com/{}",
        "instagram": "https://www.instagram.com/{}/",
        "bluesky": "https://bsky.app/profile/{}",
    }
    return {
        "department": department or "広報課",
        "platform": platform,
        "platform_code": code,
        "platform_account_id": "",
        "display_name": name or f"{handle} 公式",
        "handle": f"@{handle}",
        "profile_url": hosts.get(code, "https://x.com/{}").format(handle),
        "status": "active",
        "status_label": "運用中",
    }


def peer_payload(
    name: str,
    code: str | None,
    accounts: list[dict],
    *,
    site: str = "",
    impersonations: list[dict] | None = None,
    format: int | None = 2,
) -> dict:
    payload = {"publisher": name, "generated_at": "2025-04-01T09:00:00+09:00", "accounts": accounts}
    if format is not None:
        payload = {"format": format, "publisher_code": code or "", "site": site, **payload}
    payload["impersonations"] = impersonations or []
    return payload


class PeerHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    documents: dict[str, bytes] = {}
    requests: list[tuple[str, dict]] = []

    def do_GET(self):
        self.requests.append((self.path, dict(self.headers.items())))
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path in self.documents:
            return self._document(self.documents[url.path])
        if url.path == "/huge":
            return self._huge(declared=q.get("declared") == "1")
        if url.path == "/invalid":
            return self._send(200, b'{"publisher": "\xe5\x81\xbd\xe5\xb8\x82", "accounts": [')
        if url.path == "/away":
            self.send_response(302)
            self.send_header("Location", q["to"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if url.path == "/drip":
            return self._drip()
        if url.path == "/status":
            return self._send(int(q["code"]), b"{}")
        return self._send(404, b"not found")

    def _document(self, body: bytes):
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(200, body, {"ETag": etag, "Last-Modified": formatdate(1_740_000_000, usegmt=True)})

    def _send(self, status: int, body: bytes, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _huge(self, *, declared: bool):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if declared:
            self.send_header("Content-Length", str(HUGE_BYTES))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        piece = b'{"publisher": "x", "accounts": [' + b" " * (64 * 1024 - 33)
        try:
            for _ in range(HUGE_BYTES // len(piece)):
                self.wfile.write(piece)
        except OSError:  # the client stopped reading at its cap
            pass
        self.close_connection = True

    def _drip(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(b'{"publisher": "')
            for _ in range(600):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(DRIP_SECONDS)
        except OSError:
            pass
        self.close_connection = True

    def log_message(self, *args):
        pass


class PeerServer:
    def __init__(self, host: str = "127.0.0.1"):
        handler = type("Handler", (PeerHandler,), {"documents": {}, "requests": []})
        self.handler = handler
        self.server = ThreadingHTTPServer((host, 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(POLL_SECONDS,), daemon=True)

    @property
    def requests(self) -> list[tuple[str, dict]]:
        return self.handler.requests

    def publish(self, path: str, payload: dict | bytes) -> str:
        """Serve `payload` (a dict as JSON) at `path`; returns its URL."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
        self.handler.documents[path] = body
        return self.url + path

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
