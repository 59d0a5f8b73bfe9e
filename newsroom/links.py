"""Addresses of stories, authors and sections from their slugs, at a fraction of `reverse()`'s cost,
and of stored files.

A list page links 60 stories, sections and authors; `reverse()` resolves the pattern each time
(~30 µs). Each pattern is reversed once per script prefix, with a marker for the slug, and the
slug is quoted the way `reverse()` quotes it (tests/newsroom/test_links.py compares the two)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any, NamedTuple
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

from newsroom.request_scope import url_setting

_MARKER = "slug-marker"
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


@cache
def _pattern(name: str, prefix: str) -> tuple[str, str]:
    before, after = reverse(name, kwargs={"slug": _MARKER}).split(_MARKER)
    return before, after


def slug_url(name: str, slug: str) -> str:
    """`reverse(name, kwargs={"slug": slug})` for a URL pattern whose only argument is `slug`."""
    return slug_urls(name)(slug)


def slug_urls(name: str) -> Callable[[str], str]:
    """`slug_url` for one pattern, with the request's script prefix read once: for a list of links."""
    before, after = _pattern(name, url_setting()[0])
    return lambda slug: before + (slug if _plain(slug) else quote(slug, safe=_SAFE)) + after


_plain = re.compile(r"[A-Za-z0-9_-]+").fullmatch  # most slugs: nothing to quote


def story_url(slug: str) -> str:
    return slug_url("article_detail", slug)


def author_url(slug: str) -> str:
    return slug_url("author_detail", slug)


def section_url(slug: str) -> str:
    return slug_url("section_detail", slug)


def absolute_urls(request: HttpRequest) -> Callable[[str], str]:
    """`request.build_absolute_uri` for the addresses this site writes (an absolute path, already
    quoted), without parsing each one: the structured data of a page holds a dozen."""
    root = request.build_absolute_uri("/")[:-1]

    def absolute(location: str) -> str:
        if _own_path(location):
            return root + location
        return request.build_absolute_uri(location)

    return absolute


def _own_path(location: str) -> bool:
    """A path build_absolute_uri() would only prefix: absolute, ASCII, with no "." or ".." step."""
    return (
        location.startswith("/")
        and not location.startswith("//")
        and location.isascii()
        and "/./" not in location
        and "/../" not in location
    )


def media_url(file: Any) -> str:
    """The address of a stored file: an ImageField's file, or its name as a row holds it."""
    name = getattr(file, "name", file)
    return default_storage.url(name) if name else ""


class SiteLinks(NamedTuple):
    """The addresses every page links to, in its masthead, menu and footer."""

    home: str
    archive: str
    feed: str
    sitemap: str
    search: str
    sections: str
    opensearch: str
    corrections: str


def site_links() -> SiteLinks:
    """The site's own links, reversed once per script prefix (a page wrote eight through `url()`)."""
    return _site_links(*url_setting())


@lru_cache(maxsize=64)
def _site_links(prefix: str, urlconf: str | None) -> SiteLinks:
    names = (
        "home",
        "archive",
        "feed",
        "sitemap_index",
        "search",
        "section_index",
        "opensearch",
        "corrections",
    )
    return SiteLinks(*(reverse(name, urlconf=urlconf) for name in names))


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """`reverse()`, remembered: every page links the same few addresses (~30 µs each to reverse)."""
    return _reverse(*url_setting(), name, args, tuple(sorted(kwargs.items())))


@lru_cache(maxsize=4096)
def _reverse(prefix: str, urlconf: str | None, name: str, args: tuple, kwargs: tuple) -> str:
    return reverse(name, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)
