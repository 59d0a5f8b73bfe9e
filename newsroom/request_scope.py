"""Values read once per request.

A page asks for the same few things dozens of times: the script prefix and URLconf of every link
it writes, the time zone and language of every date, the archive's state for every cache key.
Django keeps the first ones in asgiref's `Local`, ~1.5 µs a read; an article page made 40 of them
(bench/RESULTS.md, "The uncached article page past 0.3"). Wrapped in `once_per_request`, a
function runs at its first call in a request and its value is kept until the request ends
(`request_started` / `request_finished`, connected in articles/signals.py); outside a request (a
command, a test, a thread of its own) every call runs it. The value is read lazily, at the first
call, so it is what the middleware left: a time zone activated for the reader counts."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation

T = TypeVar("T")
_values: ContextVar[dict[Callable, Any] | None] = ContextVar("request_scope", default=None)


def begin_request(**_signal: Any) -> None:
    _values.set({})


def end_request(**_signal: Any) -> None:
    _values.set(None)


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
