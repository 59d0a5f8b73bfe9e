"""HTTP cache headers of public pages: how long browsers and CDNs may keep them.

`Cache-Control`: browsers revalidate after `max-age`, CDNs after `s-maxage` (old stories, which
rarely change, longer: see `articles.views.article_detail`). A CDN cannot hear of an editor's save,
so `s-maxage` is what bounds how long a correction takes to reach its readers. Past it, a cache may
serve its copy a minute more while it revalidates in the background (`stale-while-revalidate`: a
busy page's readers never wait on a revalidation; short, because browsers honour it too, and a
reader coming back to the front page wants today's), and a day more while this site is down
(`stale-if-error`). No page tells a browser or CDN to keep it past the time the next scheduled
story goes live. Responses to signed-in users are private.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from articles.archive_state import archive_state

STALE_WHILE_REVALIDATE_SECONDS = 60
STALE_IF_ERROR_SECONDS = 86_400


def anonymous_read(request: HttpRequest) -> bool:
    # A session cookie may belong to a signed-in editor, who can see drafts.
    return request.method in {"GET", "HEAD"} and settings.SESSION_COOKIE_NAME not in request.COOKIES


def set_cache_control(response: HttpResponse, request: HttpRequest, *, max_age: int, s_maxage: int) -> None:
    if "no-store" in response.get("Cache-Control", ""):
        return
    if not anonymous_read(request):  # never let a shared cache keep what a signed-in user saw
        patch_cache_control(response, private=True, max_age=0)
    elif "Cache-Control" not in response:
        mark_public(response, max_age=max_age, s_maxage=s_maxage)


def mark_public(response: HttpResponse, *, max_age: int, s_maxage: int) -> None:
    """Cacheable by browsers for `max_age` seconds and by CDNs for `s_maxage`, then served stale
    while they revalidate or while this site is down."""
    patch_cache_control(
        response,
        public=True,
        max_age=max_age,
        s_maxage=s_maxage,
        stale_while_revalidate=STALE_WHILE_REVALIDATE_SECONDS,
        stale_if_error=STALE_IF_ERROR_SECONDS,
    )


def keep_from_shared_caches(response: HttpResponse) -> None:
    """A public page made private: browsers still keep it `max-age`, CDNs and proxies not at all,
    so every reader's request reaches the site (search pages: each search is counted,
    `articles.search_log`). The page cache still serves them: it checks before this is applied."""
    control = response.get("Cache-Control", "")
    if "public" in control:
        max_age = re.search(r"\bmax-age=(\d+)", control)
        response["Cache-Control"] = f"private, max-age={max_age[1] if max_age else 0}"


def storable(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return response.status_code == 200 and "private" not in control and "no-store" not in control


def mark_not_found(response: HttpResponse, request: HttpRequest, seconds: int) -> None:
    """A Not Found page is kept `seconds` by browsers and CDNs, which absorbs floods of bad links,
    and never past the next scheduled story's time: until then its address answers 404. Without a
    lifetime of its own, CDNs keep a 404 for their default (an hour at some)."""
    set_cache_control(response, request, max_age=seconds, s_maxage=seconds)
    fresh_until(response, archive_state().next_go_live)


def fresh_until(response: HttpResponse, moment: datetime | None) -> None:
    """Let no browser or CDN keep a public page past `moment`: when the next scheduled story goes
    live, lists, menus and neighbours change, and an embargo lifts on time behind a CDN too."""
    control = response.get("Cache-Control", "")
    s_maxage = re.search(r"\bs-maxage=(\d+)", control)
    if moment is None or "public" not in control or s_maxage is None:
        return
    seconds = max(0, math.ceil((moment - timezone.now()).total_seconds()))
    if seconds < int(s_maxage[1]):
        patch_cache_control(response, max_age=seconds, s_maxage=seconds)  # max-age: the smaller stays
