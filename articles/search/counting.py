"""Which searches are counted, and when (the counts themselves: articles/search_log.py).

Where: `counted` wraps the results page *outside* the page cache (articles/urls.py), so a search
served from the cache counts as one rendered does: every results page passes here. The view says
on its response what it found (`mark_outcome`), and the page cache keeps that with the page. CDNs
are told not to keep search pages (`http_cache.keep_from_shared_caches`): a copy a CDN served
would never be counted, and the site's own page cache answers a repeated search cheaply.

What: a reader's search as typed in the box, `?q=` alone, by GET and without a session cookie (not
an editor, who would count each query again by running it from the report). A filter, a sort or a
later page is the same search refined or turned by the page's own links, so only the first page of
a search counts, and its filters are not part of what is counted. Empty, over-long
(`QUERY_LENGTH`) and self-declared robots' searches (user agent naming a bot, crawler or spider)
are not counted; a script that says nothing of itself is.

When: after the response is sent. Django fires `request_finished` as the WSGI server closes the
response, after its last byte went out: the reader never waits on the write (one UPSERT).
Simpler than a buffer flushed every N seconds, and nothing waits in memory to be lost.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from articles.http_cache import anonymous_read, keep_from_shared_caches
from articles.search.query import MAX_QUERY_LENGTH
from articles.search_log import QUERY_LENGTH, count_search, normalise_query

_ROBOT = re.compile(r"bot|crawl|spider|slurp", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    """What a results page found, kept on its response (and so in the page cache with it)."""

    found_nothing: bool
    opened: bool = False  # the search took the reader straight to a story (an exact title)


def mark_outcome(response: HttpResponse, *, found_nothing: bool, opened: bool = False) -> HttpResponse:
    response.search_outcome = Outcome(found_nothing, opened)
    return response


def countable_query(request: HttpRequest) -> str:
    """The normalised query of a reader's first results page, else "". `request.GET` is as the
    page cache left it: the page's own parameters, normalised, `page=1` and empty ones dropped."""
    if request.method != "GET" or not anonymous_read(request) or list(request.GET) != ["q"]:
        return ""
    text = request.GET["q"]
    if len(text) > MAX_QUERY_LENGTH or _ROBOT.search(request.headers.get("User-Agent", "")):
        return ""
    query = normalise_query(text)
    return query if len(query) <= QUERY_LENGTH else ""


_pending = threading.local()  # the search of this thread's request, written once it is sent


def counted(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator for the results page, outside `cache_public_page`: keeps the page from CDNs
    and counts the search after the response is sent."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        keep_from_shared_caches(response)
        outcome = getattr(response, "search_outcome", None)
        if outcome is not None and settings.SEARCH_LOG_DAYS > 0:
            _pending.search = (countable_query(request), outcome)
        return response

    return wrapper


@receiver(request_finished, dispatch_uid="search-counting")
def write_pending(**kwargs) -> None:
    """The search of the request just finished, if it counts (every request passes here: one
    attribute read for the others)."""
    query, outcome = getattr(_pending, "search", None) or ("", None)
    _pending.search = None
    if query:
        count_search(query, found_nothing=outcome.found_nothing, opened=outcome.opened)
