"""The server calls only public addresses, follows at most three redirects, gives up after the time limit
and reads at most 1 MB back (reliability.md: SSRF)."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest

from catchment.webhooks import outbound


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.8/hook",
        "https://172.16.5.4/hook",
        "https://192.168.1.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[fc00::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://100.64.0.1/hook",
        "https://224.0.0.1/hook",
        "https://2130706433/hook",
        "https://0x7f.1/hook",
        "https://[2002:a9fe:a9fe::1]/hook",
        "https://[2002:7f00:1::1]/hook",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url, settings):
    settings.WEBHOOK_ALLOW_LOCAL = False
    with pytest.raises(outbound.Refused):
        outbound.check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/hook",
        "ftp://example.org/hook",
        "file:///etc/passwd",
        "gopher://example.org/",
        "https://user:pass@example.org/",
        "https:///nohost",
        "https://example.org:99999/",
        "javascript:alert(1)",
        "",
    ],
)
def test_other_schemes_credentials_and_malformed_addresses_are_refused(url, settings):
    settings.WEBHOOK_ALLOW_LOCAL = False
    with pytest.raises(outbound.Refused):
        outbound.check_url(url)


def test_a_public_address_is_allowed_and_pinned_to_the_address_it_resolved_to(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_LOCAL = False
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))],
    )
    target = outbound.check_url("https://partner.example.org/hooks?x=1")
    assert (target.host, target.port, target.path, target.address) == (
        "partner.example.org",
        443,
        "/hooks?x=1",
        "93.184.215.14",
    )


def test_a_name_resolving_to_any_private_address_is_refused(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_LOCAL = False
    answers = [("93.184.215.14", 443), ("10.1.2.3", 443)]
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", a) for a in answers],
    )
    with pytest.raises(outbound.Refused):
        outbound.check_url("https://rebind.example.org/")


class Receiver(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes, float]] = {}
    seen: list[tuple[str, str, bytes, dict[str, str]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append((self.command, self.path, body, dict(self.headers)))
        status, headers, content, delay = self.routes.get(self.path, (200, {}, b"ok", 0.0))
        if delay:
            time.sleep(delay)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(content)

    do_POST = _answer
    do_GET = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def receiver(routes: dict[str, tuple[int, dict[str, str], bytes, float]]) -> Iterator[str]:
    Receiver.routes = routes
    Receiver.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_local_receiver_is_refused_unless_the_operator_allows_local_calls(settings):
    with receiver({}) as base:
        settings.WEBHOOK_ALLOW_LOCAL = False
        with pytest.raises(outbound.Refused):
            outbound.post(base + "/hook", b"{}", {})
        assert Receiver.seen == []
        settings.WEBHOOK_ALLOW_LOCAL = True
        assert outbound.post(base + "/hook", b"{}", {}).status == 200


def test_redirects_are_followed_three_times_at_most(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    routes = {f"/r{n}": (307, {"Location": f"/r{n + 1}"}, b"", 0.0) for n in range(5)}
    with receiver(routes) as base:
        routes["/r3"] = (200, {}, b"arrived", 0.0)
        answer = outbound.post(base + "/r0", b"{}", {})
        assert (answer.status, answer.body) == (200, b"arrived")
        assert [seen[0] for seen in Receiver.seen] == ["POST"] * 4
        del routes["/r3"]
        routes["/r3"] = (307, {"Location": "/r4"}, b"", 0.0)
        with pytest.raises(outbound.CallFailed):
            outbound.post(base + "/r0", b"{}", {})


def test_a_redirect_into_a_private_network_is_refused(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_LOCAL = True
    with receiver({"/out": (302, {"Location": "https://169.254.169.254/latest/"}, b"", 0.0)}) as base:
        real = outbound.check_url

        def strict_for_others(url: str, *, allow_local: bool | None = None) -> outbound.Target:
            return real(url, allow_local=url.startswith(base))

        monkeypatch.setattr(outbound, "check_url", strict_for_others)
        with pytest.raises((outbound.Refused, outbound.CallFailed)):
            outbound.post(base + "/out", b"{}", {})
        assert [seen[1] for seen in Receiver.seen] == ["/out"]


def test_a_redirect_to_another_site_is_not_followed(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    with (
        receiver({"/away": (307, {"Location": "http://localhost:1/elsewhere"}, b"", 0.0)}) as base,
        pytest.raises(outbound.CallFailed, match="another site"),
    ):
        outbound.post(base + "/away", b"{}", {"Catchment-Signature": "t=1,v1=x"})


def test_a_receiver_trickling_its_answer_is_cut_off_at_the_time_limit(settings):
    import socket as sockets

    settings.WEBHOOK_ALLOW_LOCAL = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    listener = sockets.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def trickle():
        conn, _address = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        try:
            for _ in range(40):
                conn.sendall(b"x" * 10)
                time.sleep(0.1)
        except OSError:
            pass
        conn.close()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    started = time.monotonic()
    with pytest.raises(outbound.CallFailed):
        outbound.post(f"http://127.0.0.1:{listener.getsockname()[1]}/", b"{}", {})
    assert time.monotonic() - started < 2.5
    listener.close()


def test_a_slow_receiver_is_given_up_on_after_the_time_limit(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    with receiver({"/slow": (200, {}, b"late", 2.0)}) as base:
        started = time.monotonic()
        with pytest.raises(outbound.CallFailed):
            outbound.post(base + "/slow", b"{}", {})
        assert time.monotonic() - started < 1.5


def test_at_most_the_limit_is_read_from_the_answer(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    settings.WEBHOOK_MAX_RESPONSE_BYTES = 1024
    with receiver({"/big": (200, {}, b"x" * 100_000, 0.0)}) as base:
        assert len(outbound.post(base + "/big", b"{}", {}).body) == 1024
