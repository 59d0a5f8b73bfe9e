"""The article page: one prepared statement, conditional GET, and the editors' preview."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition

from articles import page_queries
from articles.archive_state import archive_version
from articles.http_cache import mark_public, set_cache_control
from articles.models import Article, OldSlug
from articles.more_like_this import more_like_this
from articles.richtext import first_paragraph, reading_minutes
from articles.rows import StoryPage
from articles.views.base import describe, feed_link, page_meta
from authors.models import initials
from newsroom.links import section_url, story_url, url

STORY_SETTLED_AFTER = timedelta(days=7)
# How long browsers and CDNs keep an old address's redirect. Without a lifetime, browsers keep a
# 301 for good. It changes when its story is withdrawn or renamed again, or a new story takes the
# address: a fresh story's page is kept five minutes for the same reason (`_cdn_seconds`).
MOVED_SECONDS = 300
OLD_SLUG_LENGTH = OldSlug._meta.get_field("slug").max_length


def may_preview(user: Any) -> bool:
    """Who sees drafts and scheduled stories on the reader site: staff who may change stories.
    Anyone else (a reader, staff who look after authors only) gets the reader's 404."""
    return user.is_staff and user.has_perm("articles.change_article")


def _story(request: HttpRequest, slug: str) -> StoryPage | None:
    """The story page's row (`page_queries.story_page`): editors also get drafts and scheduled
    stories, as a preview. Fetched once per request, and shared by the ETag, Last-Modified and the
    page."""
    if not hasattr(request, "_story"):
        # Staff sign in with a session: without its cookie, no user (and no session) is looked up.
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        request._story = page_queries.story_page(slug, preview=signed_in and may_preview(request.user))
    return request._story


def _article_last_modified(request: HttpRequest, slug: str) -> datetime | None:
    """Last-Modified of a public story; none for a preview, which is never cached.

    A revalidation (If-None-Match / If-Modified-Since) usually ends in a 304, so it reads only the
    story's `updated_at`; any other request reads the whole page once, for the page as well."""
    if not hasattr(request, "_story_updated_at"):
        if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
            updated = Article.objects.published().filter(slug=slug).values_list("updated_at", flat=True)
            request._story_updated_at = updated.first()
        else:
            story = _story(request, slug)
            request._story_updated_at = story.updated_at if story and story.is_public else None
    return request._story_updated_at


def _article_etag(request: HttpRequest, slug: str) -> str | None:
    """The story's version and the archive's (author boxes, teasers and neighbours show other
    stories): a browser's If-None-Match is answered with a 304 without rendering the page."""
    updated = _article_last_modified(request, slug)
    if updated is None:
        return None
    return hashlib.sha1(f"{slug}|{updated.isoformat()}|{archive_version()}".encode()).hexdigest()


@condition(etag_func=_article_etag, last_modified_func=_article_last_modified)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A story with its byline, author boxes, teasers and section neighbours: one prepared
    statement (`page_queries.story_page`) rendered by Jinja2, so that the page is fast uncached.
    A function, not a generic view: the busiest page skips a class's layers (~0.1 ms a page)."""
    story = _story(request, slug)
    if story is None:
        return _moved(request, slug)
    for author in story.authors:
        author.initials = initials(author.name)
    preview = not story.is_public
    context = {
        "article": story,
        "authors": story.authors,
        "teasers": story.teasers,
        "more_like_this": more_like_this(story),
        "more_by_author": [(author, author.more) for author in story.authors],
        # Cleaned to the editor's allow-list whenever a story is saved (articles/richtext.py).
        "body": mark_safe(story.body),  # noqa: S308
        "reading_minutes": story.reading_minutes or reading_minutes(story.body),
        "preview": preview,
        "older": story.older,
        "newer": story.newer,
        "meta": _article_meta(request, story),
    }
    response = render(request, "articles/article_detail.html", context)
    if preview:
        add_never_cache_headers(response)  # private, no-store: a draft is never kept by any cache
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    else:
        mark_public(response, max_age=300, s_maxage=_cdn_seconds(story))
    return response


def _moved(request: HttpRequest, slug: str) -> HttpResponse:
    """No story has `slug`: a 301 to the current address of the public story that had it, else
    the 404. Only here, after the story's statement found nothing, so a story's page costs no
    more; one query on the old slugs' unique index. The query string is dropped, as the story's
    page reads none (`urls.story_page`)."""
    current = None
    if len(slug) <= OLD_SLUG_LENGTH:
        # The public gate: a draft's or a scheduled story's old address is a 404, as an unknown
        # one is, and its new slug is never shown. A story that holds the address now wins.
        moved = Article.objects.published().filter(old_slugs__slug=slug)
        moved = moved.filter(~Exists(Article.objects.filter(slug=slug)))
        current = moved.order_by().values_list("slug", flat=True).first()
    if current is None:
        raise Http404("No such story")
    response = HttpResponsePermanentRedirect(story_url(current))
    set_cache_control(response, request, max_age=MOVED_SECONDS, s_maxage=MOVED_SECONDS)
    return response


def _article_meta(request: HttpRequest, story: StoryPage) -> dict[str, Any]:
    crumbs, feeds = [("Home", url("home"))], []
    if section := story.section:
        crumbs.append((section.name, section_url(section.slug)))
        feeds.append(feed_link(f"{section.name} stories", "section_feed", slug=section.slug))
    return page_meta(
        title=story.title,
        # Only the dek: a made-up description would come back as a dek when the importer re-reads
        # this page (its contract). Search engines write their own snippet from the body.
        description=describe(story.summary),
        social_description=describe(story.summary or first_paragraph(story.body)),
        og_type="article",
        image=story.hero_image,
        noindex=not story.is_public,
        feeds=feeds,
        breadcrumbs=[*crumbs, (story.title, story_url(story.slug))],
        canonical=story.canonical_url or request.build_absolute_uri(request.path),
    )


def _cdn_seconds(story: StoryPage) -> int:
    """How long a CDN keeps the page before revalidating it, which bounds how late a correction
    reaches readers behind it: an hour for stories older than a week, which rarely change, five
    minutes for fresh ones."""
    published = story.published_at
    settled = published is not None and timezone.now() - published > STORY_SETTLED_AFTER
    return 3_600 if settled else 300
