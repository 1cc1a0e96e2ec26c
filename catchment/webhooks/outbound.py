"""Calls the server makes to addresses that users typed: refused for private, loopback, link-local and other
non-public addresses (no SSRF), at most WEBHOOK_MAX_REDIRECTS redirects (each checked again), a time limit
on the whole call and a cap on what is read back.

The address is resolved once and the connection made to the checked IP itself (with the host name kept for
TLS and the Host header), so a name that resolves differently the second time cannot slip past the check.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

REDIRECTS = {301, 302, 303, 307, 308}


class Refused(ValueError):
    """The address may not be called (its scheme, its host or where it resolves)."""


class CallFailed(ConnectionError):
    """The call was allowed but did not complete (timeout, connection refused, too many redirects)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    url: str


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address (mapped, 6to4, Teredo) are judged by the address they carry.
        embedded = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if any(inner is not None and not _public(inner) for inner in embedded):
            return False
        if address.ipv4_mapped is not None:
            return True
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:  # the forms C's inet_aton accepts and a resolver would too: 2130706433, 0x7f.1, 127.1
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def check_url(url: str, *, allow_local: bool | None = None, resolve: bool = True) -> Target:
    """Where `url` would be called, or Refused with a message for the person who typed it. Without
    `resolve` (when an address is registered), only what the address itself says is checked; every call
    resolves and checks again, so a name that later points inside is refused then."""
    allow_local = settings.WEBHOOK_ALLOW_LOCAL if allow_local is None else allow_local
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused(_("This is not a valid web address.")) from error
    schemes = {"https", "http"} if allow_local else {"https"}
    if parts.scheme not in schemes:
        raise Refused(_("The address must start with https://."))
    if not parts.hostname or parts.username or parts.password:
        raise Refused(_("The address must name a host, without a user name or password."))
    port = port or (443 if parts.scheme == "https" else 80)
    literal = _literal(parts.hostname)
    named_local = parts.hostname.lower().rstrip(".") == "localhost" or parts.hostname.lower().endswith(
        ".localhost"
    )
    if not allow_local and (named_local or (literal is not None and not _public(literal))):
        raise Refused(_("The address points into a private network; only public addresses can be called."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    if not resolve:
        return Target(parts.scheme, parts.hostname, port, path, str(literal or ""))
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(_("This host name could not be found.")) from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise Refused(_("This host name could not be found."))
    if not allow_local and not all(_public(address) for address in addresses):
        raise Refused(_("The address points into a private network; only public addresses can be called."))
    return Target(parts.scheme, parts.hostname, port, path, str(addresses[0]))


def _pool(target: Target, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout, retries=False)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _read_until(response: Any, deadline: float) -> bytes:
    """At most WEBHOOK_MAX_RESPONSE_BYTES of the answer, and not a moment past the deadline (a receiver
    trickling one byte at a time would otherwise hold the call open for as long as it likes)."""
    chunks, size = [], 0
    while size < settings.WEBHOOK_MAX_RESPONSE_BYTES:
        if time.monotonic() > deadline:
            raise CallFailed(_("The receiver did not answer in time."))
        chunk = response.read1(min(16384, settings.WEBHOOK_MAX_RESPONSE_BYTES - size), decode_content=False)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` under the rules above; 307/308 redirects repeat the POST, 301-303 turn to GET."""
    deadline = time.monotonic() + settings.WEBHOOK_TIMEOUT_SECONDS
    method = "POST"
    for _hop in range(settings.WEBHOOK_MAX_REDIRECTS + 1):
        target = check_url(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise CallFailed(_("The receiver did not answer in time."))
        timeout = urllib3.Timeout(total=remaining)
        pool = _pool(target, timeout)
        host = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
        try:
            response = pool.urlopen(
                method,
                target.path,
                body=body if method == "POST" else None,
                headers={**headers, "Host": host},
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                content = _read_until(response, deadline)
            finally:
                response.release_conn()
        except urllib3.exceptions.TimeoutError as error:
            raise CallFailed(_("The receiver did not answer in time.")) from error
        except urllib3.exceptions.HTTPError as error:
            raise CallFailed(_("The receiver could not be reached.")) from error
        finally:
            pool.close()
        location = response.headers.get("Location")
        if response.status in REDIRECTS and location:
            following = urljoin(url, location)
            if _origin(following) != _origin(url):
                # The signed body and headers go to the address the convenor registered, never to a third party.
                raise CallFailed(_("The receiver redirected to another site."))
            url = following
            if response.status in (301, 302, 303):
                method = "GET"
            continue
        return Answer(response.status, content, url)
    raise CallFailed(_("The receiver redirected too many times."))
