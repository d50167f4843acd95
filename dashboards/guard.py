"""Who may talk to the dashboard's server: an ASGI middleware in front of Solara's app.

Two checks run on every HTTP request and websocket handshake, before Solara sees it:

- *Origin and Host.* A browser names the page that opened a connection in its ``Origin``
  header; a websocket opened by a page of another site (or a site that re-pointed its name at
  this machine) is refused, and so is any request naming another ``Host``. Allowed are the
  address the server is bound to and, on a loopback address, the loopback names
  (``127.0.0.1``, ``localhost``, ``[::1]``), on the server's port. Bound to every interface
  (``0.0.0.0``), the server cannot know the names the network uses for it: it accepts an
  ``Origin`` equal to the ``Host`` the request was sent to, and relies on the token.
- *Token.* When the server has one (always off loopback), a request must carry it, as
  ``?token=...`` on the first request (which sets an HttpOnly, SameSite=Strict cookie, as
  Jupyter does) or as that cookie on the next ones.

A refusal is a plain 403 that repeats nothing of the request.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
"""How a browser on this machine may name a server bound to a loopback address."""

WILDCARD_HOSTS = ("0.0.0.0", "::", "")
"""Addresses that bind every interface."""

REFUSED_ORIGIN = b"403 forbidden: this dashboard accepts requests only from its own pages\n"
REFUSED_TOKEN = (
    b"403 forbidden: this dashboard needs its access token; open the link printed when it "
    b"started (it ends in ?token=...)\n"
)


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) means this machine only."""
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def _netlocs(host: str, port: int) -> set[str]:
    """How a browser writes `host`:`port` in ``Host`` and ``Origin`` (port 80 may go unsaid)."""
    name = host.strip("[]").lower()
    if ":" in name:
        name = f"[{name}]"
    return {f"{name}:{port}", name} if port == 80 else {f"{name}:{port}"}


@dataclass(frozen=True)
class Origins:
    """The host:port forms under which the server may be reached, and how to check a request.

    `any_host` holds for a server bound to every interface: any ``Host`` is accepted, and an
    ``Origin`` must name the same host:port as the ``Host`` header.
    """

    netlocs: frozenset[str]
    any_host: bool = False

    @classmethod
    def bound_to(cls, host: str, port: int) -> Origins:
        """The origins of a server listening on `host`:`port`."""
        names = set(LOOPBACK_NAMES) if is_loopback(host) or host in WILDCARD_HOSTS else set()
        if host not in WILDCARD_HOSTS:
            names.add(host)
        netlocs = frozenset().union(*(_netlocs(n, port) for n in names))
        return cls(netlocs, host in WILDCARD_HOSTS)

    def allows(self, origin: str | None, host: str | None) -> bool:
        """Whether a request with these ``Origin`` and ``Host`` headers may go on."""
        host = (host or "").lower()
        if not self.any_host and host not in self.netlocs:
            return False
        if origin is None:  # not sent by a page of another site (browsers always send it then)
            return True
        scheme, _, netloc = origin.lower().partition("://")
        if scheme != "http":
            return False
        return netloc in self.netlocs or (self.any_host and netloc == host)


def cookie_name(port: int) -> str:
    """The token cookie's name; cookies ignore ports, so it carries the port."""
    return f"diplomacy-dashboard-token-{port}"


class AccessGuard:
    """ASGI middleware: refuses foreign origins and hosts, and requests without the token.

    Args:
        app: the application behind the guard (Solara's Starlette app).
        origins: where the server may be reached.
        token: the access token, or None for no token (loopback only).
        port: the server's port (names the token cookie).
    """

    def __init__(self, app: ASGIApp, origins: Origins, token: str | None, port: int) -> None:
        self.app = app
        self.origins = origins
        self.token = token
        self.cookie = cookie_name(port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check an HTTP request or websocket handshake; pass anything else through."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if not self.origins.allows(headers.get("origin"), headers.get("host")):
            await _refuse(scope, send, REFUSED_ORIGIN)
            return
        if self.token is None:
            await self.app(scope, receive, send)
            return
        if self._matches(_query_token(scope)):
            await self.app(scope, receive, self._setting_cookie(scope, send))
        elif self._matches(_cookie(headers.get("cookie"), self.cookie)):
            await self.app(scope, receive, send)
        else:
            await _refuse(scope, send, REFUSED_TOKEN)

    def _matches(self, supplied: str | None) -> bool:
        if self.token is None or supplied is None:
            return False
        return secrets.compare_digest(
            supplied.encode("utf-8", "replace"), self.token.encode("utf-8")
        )

    def _setting_cookie(self, scope: Scope, send: Send) -> Send:
        if scope["type"] != "http":
            return send
        value = f"{self.cookie}={self.token}; Path=/; HttpOnly; SameSite=Strict".encode()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"set-cookie", value)]
            await send(message)

        return send_with_cookie


def _headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name (the first of repeated ones)."""
    found: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        found.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return found


def _query_token(scope: Scope) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    values = query.get("token")
    return values[0] if values else None


def _cookie(header: str | None, name: str) -> str | None:
    if not header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed cookie header carries no token
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


async def _refuse(scope: Scope, send: Send, body: bytes) -> None:
    """Answer 403: a websocket handshake closed before it is accepted, or a plain-text page."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
