"""Hostile input over HTTP: thousands of generated requests over every URL pattern, 0 answers with 5xx.

    .venv/bin/python bench/http_fuzz.py --requests 20000           # own gunicorn + scratch database
    .venv/bin/python bench/http_fuzz.py --url http://127.0.0.1:8000 --host 127.0.0.1   # a running server

Without --url it imports synthetic pages into database `reliab_fuzz` of its own embedded server
(var/reliab-postgres), collects static files, starts gunicorn on 127.0.0.1 with production settings
(DEBUG off, manifest static storage), fuzzes it, checks that `/` and `/healthz` still answer 200,
and stops everything it started. Requests are raw bytes over a socket, so paths may carry invalid
UTF-8, bad percent-encodings and odd headers that a well-behaved client would refuse to send.
Values include every date and number at the edges of its type (0001-01-01, 9999-12-31, leap days,
2**63, NaN, full-width digits) and the admin's own filters; a third of the requests carry the
session of a signed-in editor (`--editor-share`), so the admin's views are fuzzed, not only its
login redirect. Any 5xx counts as a failure.
The generator is shared with the test-sized version (tests/newsroom/test_http_fuzz.py).
"""

from __future__ import annotations

import argparse
import random
import re
import socket
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_from_bytes, urlsplit

ROOT = Path(__file__).resolve().parents[1]
METHODS = ["GET"] * 10 + ["HEAD"] * 3 + ["POST"] * 3 + ["PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"]
PARAMS = [
    "q",
    "page",
    "sort",
    "author",
    "section",
    "after",
    "before",
    "o",
    "p",
    "next",
    "e",
    "_changelist_filters",
]
SEARCH_PARAMS = ["q", "author", "section", "after", "before", "sort", "page"]
# The admin's changelists read these: their list filters, drill-down, search, order and page.
ADMIN_PARAMS = [
    "q",
    "o",
    "p",
    "e",
    "_changelist_filters",
    "status__exact",
    "layout__exact",
    "section__id__exact",
    "authors__id__exact",
    "published_at__year",
    "published_at__month",
    "published_at__day",
    "published_at__gte",
    "id__in",
    "pk",
]
ODD_VALUES = [
    b"",
    b"-1",
    b"0",
    b"abc",
    b"9" * 40,
    b"1e9",
    b"%00",
    b"%ff%fe",
    b"%",
    b"%zz",
    b"%c0%af",
    b"\xff\xfe",
    b"..",
    b"%2e%2e%2f",
    b"a+b",
    b'"unclosed',
    b"-",
    b"or",
    b"((",
    b")",
    b"a|b",
    b"<script>",
    b"'; --",
    b"2024-02-30",
    b"0000-00-00",
    b"99999-01-01",
    b"\xf0\x9f\x92\xa5",
    b"%F0%9F%92%A5",
    b"x" * 300,
    b"*",
    b":",
    b"author:",
    b'section:"',
    b"before:2024-99-99",
    b"\t",
    b"%0d%0aSet-Cookie:x=1",
]
# Dates and numbers at the edges of their types, NUL and invalid UTF-8: half of all values.
EDGE_VALUES = [
    b"%00",
    b"a%00b",
    b"%ff",
    b"0001-01-01",
    b"9999-12-31",
    b"2024-02-29",
    b"2023-02-29",
    b"before:9999-12-31",
    b"after:0001-01-01",
    b"war before:9999-12-31",
    b"9223372036854775808",
    b"-9223372036854775809",
    b"18446744073709551616",
    b"NaN",
    b"inf",
    b"-0",
    b"1e309",
    "１２".encode(),
    "２０２４-０１-０１".encode(),
    "before:２０２４-０１-０１".encode(),
    b"%ed%a0%80",
]
PATH_SUFFIXES = [b"", b"", b"/", b"//", b"/..", b";x=1", b"%", b"%G0", b"%00", b"\xff", b"/./", b"~"]
BODIES = [
    b"",
    b"a=1&b=2",
    b"{",
    b'{"q": [1, 2]}',
    b"\x00\xff" * 50,
    b"--x\r\nbroken multipart",
    b"q=" + b"z" * 3000,
]
CONTENT_TYPES = [
    b"application/x-www-form-urlencoded",
    b"application/json",
    b"multipart/form-data; boundary=x",
]


@dataclass(frozen=True)
class FuzzRequest:
    method: str
    target: bytes  # the raw request-target: path and query, possibly invalid UTF-8
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes = b""


def url_routes() -> list[str]:
    """Every URL pattern of the project as a route string (`articles/<slugtext:slug>/`, `^media/…$`)."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns: list, prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns, ""))


PRINTABLE = "".join(chr(c) for c in range(33, 127))


def on_the_wire(value: bytes, rng: random.Random) -> bytes:
    """Mostly as a client would send it (non-ASCII percent-encoded); sometimes raw bytes for gunicorn."""
    return value if rng.random() < 0.1 else quote_from_bytes(value, safe=PRINTABLE).encode()


def fill_route(route: str, real: list[bytes], rng: random.Random) -> bytes:
    """A concrete path for `route`: each parameter a real value (a slug, a year) or a hostile one."""
    route = route.removeprefix("^").removesuffix("$")
    parts = re.split(r"(<[^>]+>|\(\?P<\w+>[^)]*\))", route)
    out = b"/"
    for part in parts:
        if part.startswith("<") or part.startswith("(?P"):
            out += (
                rng.choice(real) if real and rng.random() < 0.7 else on_the_wire(rng.choice(ODD_VALUES), rng)
            )
        else:
            out += part.replace("\\", "").encode()
    return out


def suffix(rng: random.Random) -> bytes:
    return b"" if rng.random() < 0.7 else on_the_wire(rng.choice(PATH_SUFFIXES), rng)


def params_of(route: str) -> list[str]:
    """The parameters the pages of `route` read."""
    if route.startswith("admin/"):
        return ADMIN_PARAMS
    if route.startswith("search/"):
        return SEARCH_PARAMS
    return ["p"] if "sitemap" in route else ["page"]


def query_value(rng: random.Random) -> bytes:
    draw = rng.random()
    if draw < 0.5:
        return rng.choice(EDGE_VALUES)
    return rng.choice(ODD_VALUES) if draw < 0.9 else b"y" * rng.choice([200, 1000, 1000, 5000])


def query_string(rng: random.Random, route: str = "") -> bytes:
    """Mostly the route's own parameters (so each is tried at the edges of its type), some others."""
    pairs = []
    own = params_of(route)
    for _ in range(rng.choice([0, 1, 1, 2, 3, 6])):
        draw = rng.random()
        key = rng.choice(own if draw < 0.7 else PARAMS).encode() if draw < 0.9 else rng.choice(ODD_VALUES)
        value = query_value(rng)
        pairs.append(on_the_wire(key, rng) + (b"" if rng.random() < 0.05 else b"=") + on_the_wire(value, rng))
    return (b"?" + b"&".join(pairs)) if pairs else (b"?" if rng.random() < 0.05 else b"")


def odd_headers(rng: random.Random, host: bytes) -> list[tuple[bytes, bytes]]:
    choices = [
        (b"Cookie", b"sessionid=" + b"A" * 40 + b"; csrftoken=%ff;;=;"),
        (b"Cookie", b"x=" + b"c" * 3000),
        (b"Accept-Language", b"zz-ZZ,*;q=abc,\xff"),
        (b"If-Modified-Since", rng.choice([b"garbage", b"Mon, 32 Foo 99999 99:99:99 GMT", b"0"])),
        (b"If-None-Match", rng.choice([b"*", b'"unterminated', b"W/" + b"x" * 500])),
        (b"Range", b"bytes=9-1,-0"),
        (b"X-Forwarded-For", b"1.2.3.4, not-an-ip, \xff"),
        (b"X-Forwarded-Proto", b"https"),
        (b"Referer", b"http://\xff\xfe/" + b"r" * 200),
        (b"User-Agent", b"\x01fuzz\xff" + b"u" * rng.choice([10, 4000])),
        (b"X-Long", b"l" * rng.choice([100, 7000])),
        (b"Accept", b"*/*;q=nonsense"),
    ]
    headers = rng.sample(choices, k=rng.choice([0, 0, 1, 2, 4]))
    if rng.random() < 0.04:  # a host the site does not answer to: DisallowedHost, a 400
        host = rng.choice([b"evil.example", b"", b"127.0.0.1:99999", b"\xff"])
    return [(b"Host", host), *headers]


def generate(
    routes: list[str],
    real: list[bytes],
    count: int,
    host: bytes,
    seed: int = 7,
    editor_cookie: bytes = b"",
    editor_share: float = 0.0,
) -> Iterator[FuzzRequest]:
    """`count` requests, cycling through every route so that each is hit many times; a share of
    them (`editor_share`) with a signed-in editor's cookies (`editor_cookie`)."""
    rng = random.Random(seed)
    # A reader's requests go mostly to the reader-facing routes (the admin's only redirect them to
    # its login); an editor's mostly to the admin's, its lists (filters, drill-down) above all.
    weighted = [r for r in routes for _ in range(1 if r.startswith("admin/") else 8)]
    admin = [r for r in routes if r.startswith("admin/") for _ in range(5 if _is_changelist(r) else 1)]
    for n in range(count):
        method = rng.choice(METHODS)
        as_editor = bool(editor_cookie) and rng.random() < editor_share
        route = rng.choice(admin) if as_editor and rng.random() < 0.7 else weighted[n % len(weighted)]
        path = fill_route(route, real, rng) + suffix(rng)
        if rng.random() < 0.05:
            path = rng.choice([b"//", b"/%2e%2e/", b"/" + b"p" * 3000, b"*", b"/\x00"]) + path
        headers = odd_headers(rng, host)
        if as_editor:
            headers = [(name, value) for name, value in headers if name != b"Cookie"]
            headers.append((b"Cookie", editor_cookie))
        body = b""
        if method in {"POST", "PUT", "PATCH"} or rng.random() < 0.02:
            body = rng.choice(BODIES)
            headers.append((b"Content-Type", rng.choice(CONTENT_TYPES)))
        yield FuzzRequest(method, path + query_string(rng, route), tuple(headers), body)


def _is_changelist(route: str) -> bool:
    return route.count("/") == 3 and "<" not in route  # admin/app/model/


def send_raw(host: str, port: int, request: FuzzRequest, timeout: float = 15) -> int:
    """Send one request over a fresh connection; return its status (0: no response at all)."""
    lines = [request.method.encode() + b" " + request.target + b" HTTP/1.1"]
    lines += [name + b": " + value for name, value in request.headers]
    lines += [b"Connection: close", b"Content-Length: " + str(len(request.body)).encode()]
    payload = b"\r\n".join(lines) + b"\r\n\r\n" + request.body
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(payload)
            head = sock.recv(64)
    except OSError:
        return 0
    match = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return int(match.group(1)) if match else 0


def as_test_client_call(request: FuzzRequest) -> tuple[str, str, dict[str, str], bytes]:
    """Method, path (non-ASCII bytes percent-encoded, as a browser would) and headers for Django's Client."""
    path = quote_from_bytes(request.target, safe=PRINTABLE)
    headers = {name.decode(): value.decode("latin-1") for name, value in request.headers}
    return request.method, path, headers, request.body


def fuzz_server(url: str, requests: list[FuzzRequest], workers: int = 8) -> Counter:
    parts = urlsplit(url)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = pool.map(lambda r: send_raw(parts.hostname or "127.0.0.1", parts.port or 80, r), requests)
        return Counter(statuses)


def still_serving(url: str, host: bytes) -> dict[str, int]:
    parts = urlsplit(url)
    return {
        path: send_raw(
            parts.hostname or "127.0.0.1",
            parts.port or 80,
            FuzzRequest("GET", path.encode(), ((b"Host", host),)),
        )
        for path in ("/", "/healthz")
    }


def editor_session_cookie() -> bytes:
    """The cookies of a signed-in editor (a superuser made for the fuzzing), from the database the
    server reads: Django's test client writes the session where the server will find it."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    editor, _ = get_user_model().objects.get_or_create(
        username="fuzz-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(editor)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def signed_in(url: str, host: bytes, cookie: bytes) -> bool:
    """Whether the editor's cookie opens the admin (else the fuzzing would test its login redirect)."""
    parts = urlsplit(url)
    probe = FuzzRequest("GET", b"/admin/articles/article/", ((b"Host", host), (b"Cookie", cookie)))
    return send_raw(parts.hostname or "127.0.0.1", parts.port or 80, probe) == 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--editor-share", type=float, default=1 / 3, help="share sent as a signed-in editor")
    parser.add_argument("--url", help="fuzz a running server instead of starting one")
    parser.add_argument("--host", default="127.0.0.1", help="Host header the server answers to")
    parser.add_argument("--pages", type=int, default=200, help="synthetic pages to import (own server)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=7, help="another seed, other requests")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    import reliability_server as server  # noqa: PLC0415  (bench/ is not a package)

    with server.serving(args.url, pages=args.pages, port=args.port, database="reliab_fuzz") as (url, log):
        routes, real = server.routes_and_real_values()
        cookie = editor_session_cookie()
        requests = list(
            generate(
                routes,
                real,
                args.requests,
                args.host.encode(),
                seed=args.seed,
                editor_cookie=cookie,
                editor_share=args.editor_share,
            )
        )
        as_editor = sum(1 for request in requests if (b"Cookie", cookie) in request.headers)
        if not signed_in(url, args.host.encode(), cookie):
            print("the editor's session does not open the admin: nothing to fuzz as an editor")
            return 1
        statuses = fuzz_server(url, requests)
        after = still_serving(url, args.host.encode())
        # django.request logs every 500 as "Internal Server Error: PATH" (400s are logged too, not counted).
        errors = log.read_text(errors="replace").count("Internal Server Error") if log else 0
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    print(
        f"routes: {len(routes)}  requests tried: {len(requests)} ({as_editor} as a signed-in editor)  "
        f"5xx seen: {server_errors}"
    )
    print("statuses:", dict(sorted(statuses.items())), " server log 'Internal Server Error':", errors)
    print("afterwards:", after)
    healthy = all(status == 200 for status in after.values())
    return 0 if server_errors == 0 and healthy and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
