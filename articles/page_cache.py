"""The page cache: public pages kept whole in Django's cache, for anonymous readers.

A page is kept under the archive's version (`articles.archive_state`), so any change makes it stale;
a story's own page under its story's version and the archive's structure, so changes to other
stories leave it cached. Only anonymous GET/HEAD requests are served from or stored in the cache;
responses marked private or no-store (staff previews) never are. Headers: `articles.http_cache`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict

from articles.archive_state import ArchiveState, archive_state, story_version
from articles.http_cache import anonymous_read, fresh_until, set_cache_control, storable


def cache_public_page(
    *,
    max_age: int = 60,
    s_maxage: int = 300,
    story_kwarg: str = "",
    params: tuple[str, ...] = ("page",),
    store: bool = True,
) -> Callable:
    """View decorator: serve anonymous readers from the cache and set CDN-friendly headers.

    A story's page (`story_kwarg`: the URL argument holding its slug) is kept under its story's
    version, so that changes to other stories leave it cached; any other page under the archive's.

    The view sees only the query parameters it reads (`params`), normalised (`known_parameters`),
    and the page is kept under those alone: `?utm_source=…` or `?junk=<random>` is served the
    page without them, from the cache, rather than rendered and stored once per spelling.
    `store=False`: the headers and parameters only, for a view that keeps its pages itself."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            request.GET = known_parameters(request.GET, params)
            use_cache = store and anonymous_read(request) and settings.PAGE_CACHE_SECONDS > 0
            state = archive_state()
            key = _page_key(request, state, kwargs.get(story_kwarg)) if use_cache else ""
            response = cache.get(key) if use_cache else None
            if response is None:
                if use_cache:
                    response = _render_for_cache(view, request, *args, **kwargs)
                else:
                    response = view(request, *args, **kwargs)
                if callable(getattr(response, "render", None)):
                    response = response.render()
                if not response.streaming:
                    # One chunk: feeds are written piece by piece, and a WSGI server sends each
                    # piece of a response's content as its own write (measured: 17 ms vs 3 ms).
                    response.content = response.content
                set_cache_control(response, request, max_age=max_age, s_maxage=s_maxage)
                if use_cache and storable(response):
                    cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            fresh_until(response, state.next_go_live)
            return response

        return wrapper

    return decorator


def known_parameters(query: QueryDict, names: tuple[str, ...]) -> QueryDict:
    """The parameters among `names` that change a page, normalised: the last value of each (what
    `QueryDict.get` reads), whitespace collapsed, empty ones and `page=1` dropped, in a fixed
    order. Anything else is left out."""
    kept = QueryDict(mutable=True)
    for name in sorted(names):
        value = " ".join(query.get(name, "").split())
        if value.isascii() and value.isdigit() and name in {"page", "p"}:
            value = "" if int(value) == 1 else str(int(value))
        if value:
            kept[name] = value
    kept._mutable = False
    return kept


CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def _render_for_cache(
    view: Callable[..., HttpResponse], request: HttpRequest, *args, **kwargs
) -> HttpResponse:
    """Render the whole page even for a conditional request, so it can be stored; the 304 is then
    made from it by ConditionalGetMiddleware. Otherwise a process with a cold cache (just started
    or recycled) that only receives revalidations would never fill its cache."""
    saved = {name: request.META.pop(name) for name in CONDITIONAL_HEADERS if name in request.META}
    try:
        return view(request, *args, **kwargs)
    finally:
        request.META.update(saved)


def _page_key(request: HttpRequest, state: ArchiveState, story: str | None) -> str:
    # The host and scheme too: pages carry absolute addresses (canonical, OpenGraph, feeds).
    address = f"{request.scheme}://{request.get_host()}{request.path}?{request.GET.urlencode()}"
    path = hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()
    if story is None:
        return f"page:{state.version}:{path}"
    return f"story-page:{state.structure}:{story_version(story)}:{path}"
