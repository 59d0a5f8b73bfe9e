"""Which story a page is: unchanged, a correction of an archived story, or a new one. Rules, in order:

1. its verbatim text: a page whose sha256 matches an imported source is **unchanged** (load.py);
2. a page this archive rendered (its canonical URL is one of our article URLs, on one of our
   `ALLOWED_HOSTS`) is that story: **updated**, and our own URL is not stored as its canonical URL;
3. its canonical URL, when the page gives one and an article has it: a correction, **updated**;
4. its title's slug: an article with that slug is the same story (a correction, **updated**) when
   nothing says otherwise: their canonical URLs do not differ, their dates (when both have one) fall
   on the same day, and their bodies share at least half their words. Otherwise it is a different
   story with the same title, **created** under a distinct slug (`title-2`, `title-3`, …).
"""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from articles.importer.parsed import ParsedArticle
from articles.models import Article

SLUG_LENGTH = 200
SAME_STORY_WORD_OVERLAP = 0.5


def published_datetime(parsed: ParsedArticle) -> datetime | None:
    """The page's own date as an aware datetime; a date alone is the day's start in the site's zone."""
    return aware(parsed.published)


def revised_datetime(parsed: ParsedArticle) -> datetime | None:
    """When the page says it was changed after its publication (its own dateModified), if later."""
    published, modified = aware(parsed.published), aware(parsed.modified)
    return modified if published and modified and modified.date() > published.date() else None


def aware(value: date | datetime | None) -> datetime | None:
    """A page's date as an aware datetime; a date alone is the day's start in the site's zone."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def base_slug(title: str) -> str:
    return slugify(title)[:SLUG_LENGTH].strip("-") or "story"


def own_story_slug(url: str) -> str | None:
    """The slug of our own article page at `url`, when `url` is one (a re-imported rendered page)."""
    if not url:
        return None
    parts = urlsplit(url)
    if not validate_host(parts.hostname or "", settings.ALLOWED_HOSTS):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.kwargs.get("slug") if match.url_name == "article_detail" else None


def find_same_story(parsed: ParsedArticle) -> Article | None:
    if own_slug := own_story_slug(parsed.canonical_url):
        return Article.objects.filter(slug=own_slug).first()
    if parsed.canonical_url:
        match = Article.objects.filter(canonical_url=parsed.canonical_url).first()
        if match is not None:
            return match
    candidate = Article.objects.filter(slug=base_slug(parsed.title)).first()
    if candidate is not None and _is_same_story(candidate, parsed):
        return candidate
    return None


def _is_same_story(article: Article, parsed: ParsedArticle) -> bool:
    if article.canonical_url and parsed.canonical_url and article.canonical_url != parsed.canonical_url:
        return False
    published = published_datetime(parsed)
    if article.published_at and published and article.published_at.date() != published.date():
        return False
    old_words, new_words = set(article.body.lower().split()), set(" ".join(parsed.paragraphs).lower().split())
    if not old_words or not new_words:
        return True
    return len(old_words & new_words) / min(len(old_words), len(new_words)) >= SAME_STORY_WORD_OVERLAP


def free_slug(title: str) -> str:
    base = base_slug(title)
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)
