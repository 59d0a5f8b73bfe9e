"""Values read once per request.

A page asks for the same few things dozens of times: the script prefix and URLconf of every link
it writes, the time zone and language of every date, the archive's state for every cache key.
Django keeps the first ones in asgiref's `Local`, ~1.5 µs a read; an article page made 40 of them
(bench/RESULTS.md, "The uncached article page past 0.3"). Wrapped in `once_per_request`, a
function runs at its first call in a request and its value is kept until the request ends
(`RequestScopeMiddleware`, first in `MIDDLEWARE`); outside a request (a command, a thread of its
own, a streamed response's later chunks) every call runs it. The value is read lazily, at the
first call, so it is what the other middleware left: a time zone activated for the reader counts.

Kept because it pays: without it an uncached article page costs 13% more instructions and the
front page 8% more (bench/page_instructions.py, 2026-12-07, bench/RESULTS.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation

T = TypeVar("T")
_values: ContextVar[dict[Callable, Any] | None] = ContextVar("request_scope", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Within it, each `once_per_request` function runs once."""
    token = _values.set({})
    try:
        yield
    finally:
        _values.reset(token)


class RequestScopeMiddleware:
    """A request's scope: from its first middleware to its response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope():
            return self.get_response(request)


class OncePerRequest:
    """`function()`, called once per request; `forget()` makes the next call run it again."""

    def __init__(self, function: Callable[[], T]) -> None:
        self.function = function
        wraps(function)(self)

    def __call__(self) -> Any:
        values = _values.get()
        if values is None:
            return self.function()
        try:
            return values[self.function]
        except KeyError:
            value = values[self.function] = self.function()
            return value

    def forget(self) -> None:
        if (values := _values.get()) is not None:
            values.pop(self.function, None)


def once_per_request(function: Callable[[], T]) -> OncePerRequest:
    return OncePerRequest(function)


@once_per_request
def url_setting() -> tuple[str, str | None]:
    """The script prefix and URLconf that `reverse()` would use now."""
    return get_script_prefix(), get_urlconf()


current_timezone = once_per_request(timezone.get_current_timezone)
current_language = once_per_request(translation.get_language)
