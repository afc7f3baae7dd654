"""A local HTTP server that plays the SNS platforms for the status checks (no network, no mocks).

Paths: /profile/<name>?title=…&id=…&posted=…&desc=… (200 with JSON-LD and Open Graph),
/gone (404), /slow (answers after SLOW_SECONDS), /loop (redirects to itself), /away (redirects to
another host), /to?url=… (redirects there), /huge (3 MB), /broken (not HTML at all),
/stream?bytes=N&type=… (N bytes of a PNG's signature and zeros, with no Content-Length: the client
learns the size only by reading). LATENCY adds a delay to every answer.

The platforms' APIs: `server.answer(path, status=…, json=…, match={param: value}, headers=…, times=n)`
registers what the API at `path` answers (the JSON written by hand in the shape the platform's
reference documents, with invented data — tests/platform_fixtures.py; `body=` bytes for a media
file); `requests` records each request's path and headers (an adapter must send its token, and only
to its API). A POST's form or JSON body is matched as a GET's query is, and kept in `posted`.

Tests reach it the way a city reaches an API or its proxy: `STATUS_CHECK_BASES = {"x": server.url}`
(the `base_for` fixture helper), while the accounts keep their real https://x.com/… profile URLs.

`Listener` is a bare TCP port that only counts connections: the place an attack must never reach.
"""

import json
import json as _json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SLOW_SECONDS = 3.0
# How often serve_forever looks for a shutdown request. The default (0.5 s) made every `with
# PlatformServer()` block wait about half a second on exit, which summed to about a minute per run.
POLL_SECONDS = 0.01


class PlatformHandler(BaseHTTPRequestHandler):
    latency = 0.0
    hits: list[str] = []
    requests: list[tuple[str, dict]] = []
    posted: list[tuple[str, dict]] = []
    answers: dict[str, list[dict]] = {}
    streamed = 0  # bytes /stream had written when the client stopped reading

    def do_GET(self):
        PlatformHandler.hits.append(self.path)
        PlatformHandler.requests.append((self.path, dict(self.headers.items())))
        if self.latency:
            time.sleep(self.latency)
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path in self.answers:
            return self._answer(url.path, q)
        if url.path.startswith("/profile/"):
            return self._profile(url.path.removeprefix("/profile/"), q)
        if url.path == "/gone":
            return self._send(404, "<html><body>このアカウントは存在しません</body></html>")
        if url.path == "/slow":
            time.sleep(SLOW_SECONDS)
            return self._send(200, "<html></html>")
        if url.path == "/loop":
            return self._redirect(self.path)
        if url.path == "/away":
            return self._redirect("http://127.0.0.2:9/elsewhere")
        if url.path == "/to":
            return self._redirect(q["url"])
        if url.path == "/bad-location":
            return self._redirect("https://[oops/")
        if url.path == "/huge":
            return self._send(200, "<html>" + "x" * (3 * 1024 * 1024) + "</html>")
        if url.path == "/broken":
            return self._send(200, "<<<<>>>><script type='application/ld+json'>{not json")
        if url.path == "/stream":
            return self._stream(int(q.get("bytes", "0")), q.get("type", "image/png"))
        return self._send(404, "not found")

    def _stream(self, size: int, content_type: str) -> None:
        """A body whose end is the connection's (HTTP/1.0, no Content-Length), written in 64 KB pieces."""
        PlatformHandler.streamed = 0
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Connection", "close")
        self.end_headers()
        data = b"\x89PNG\r\n\x1a\n" + b"\x00" * (size - 8)
        try:
            for start in range(0, len(data), 65536):
                self.wfile.write(data[start : start + 65536])
                PlatformHandler.streamed = start + 65536
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self):
        """An OAuth token endpoint (a form) or a read that takes its paging in a JSON body (TikTok's
        /v2/video/list/): the body's fields, with the query's, are matched as a GET's query is (values as
        strings), and the body is recorded in `posted` to assert what was sent and that nothing else was."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if (self.headers.get("Content-Type") or "").startswith("application/json"):
            body = _json.loads(raw or "null")
            fields = {k: str(v) for k, v in body.items()} if isinstance(body, dict) else {}
        else:
            body = fields = {k: v[0] for k, v in parse_qs(raw).items()}
        PlatformHandler.hits.append(self.path)
        PlatformHandler.requests.append((self.path, dict(self.headers.items())))
        PlatformHandler.posted.append((self.path, body))
        url = urlsplit(self.path)
        if url.path in self.answers:
            return self._answer(url.path, {**{k: v[0] for k, v in parse_qs(url.query).items()}, **fields})
        return self._send(404, "not found")

    def _profile(self, name: str, q: dict) -> None:
        entity = {
            "@type": "Person",
            "name": q.get("title", "狛江市"),
            "identifier": q.get("id", ""),
            "description": q.get("desc", "狛江市 の公式アカウントです。市政情報をお届けします。"),
            "url": f"https://x.com/{name}",
        }
        ld = {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": entity}
        if q.get("posted"):
            ld["dateModified"] = q["posted"]
        city = q.get("city", "https://www.city.komae.tokyo.jp/")
        html = (
            f"<html><head><title>{entity['name']}</title>"
            f'<meta property="og:title" content="{entity["name"]}">'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script></head>'
            f'<body><a href="{city}">市のホームページ</a></body></html>'
        )
        self._send(200, html)

    def _answer(self, path: str, q: dict) -> None:
        for answer in self.answers[path]:
            if all(q.get(k) == v for k, v in answer["match"].items()) and answer["times"] != 0:
                if answer["times"] is not None:
                    answer["times"] -= 1
                return self._send(answer["status"], answer["body"], answer["type"], answer["headers"])
        return self._send(404, json.dumps({"error": "NotRegistered"}), "application/json")

    def _send(
        self, status: int, body: str | bytes, content_type: str = "text/html", headers: dict | None = None
    ) -> None:
        """A text answer in UTF-8, or bytes (a media file) under the type given as it is."""
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type if isinstance(body, bytes) else f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class PlatformServer:
    def __init__(self, latency: float = 0.0):
        handler = type("Handler", (PlatformHandler,), {"latency": latency})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(POLL_SECONDS,), daemon=True)

    def __enter__(self):
        PlatformHandler.hits = []
        PlatformHandler.requests = []
        PlatformHandler.posted = []
        PlatformHandler.answers = {}
        PlatformHandler.streamed = 0
        self.thread.start()
        return self

    def answer(
        self,
        path: str,
        *,
        status: int = 200,
        json: object = None,
        text: str = "",
        body: bytes | None = None,
        content_type: str = "application/json",
        match: dict | None = None,
        headers: dict | None = None,
        times: int | None = None,
    ) -> None:
        """What the API at ``path`` answers when the query has ``match``; ``times`` answers, or always.
        Earlier registrations are tried first, so a 429 ``times=1`` before a 200 answers once."""
        if body is None:
            body = _json.dumps(json, ensure_ascii=False) if json is not None else text
        PlatformHandler.answers.setdefault(path, []).append(
            {
                "match": match or {},
                "status": status,
                "body": body,
                "type": content_type,
                "headers": headers or {},
                "times": times,
            }
        )

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Listener:
    """A TCP port on 127.0.0.1 that accepts and counts connections, and answers nothing."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(POLL_SECONDS)  # how soon the accept loop sees the stop on exit
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join(timeout=2)
        self.sock.close()
