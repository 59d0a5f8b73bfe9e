"""The Jinja2 environment of the reader pages (`templates/`; the admin keeps Django's templates).

Reader pages are rendered by Jinja2 for speed: it compiles a template to Python, where Django's
template language interprets a node tree and tries every variable as a dict key, an attribute and
an index in turn. The same teaser markup renders in 0.35 ms against 0.90 ms (bench/RESULTS.md,
"the other stack"). Django's backend (`django.template.backends.jinja2.Jinja2`) autoescapes, and
passes `request`, `csrf_input` and `csrf_token` to every template.

Templates read data by attribute only (`story.title`), which Jinja2 resolves on a model instance
and on a row (a dict) alike, and call the functions below for URLs and data. The markup is in the
templates (what lists repeat: the macros of templates/articles/_headlines.html and _search.html), but
for the teaser lists, `story_list`, which a benchmark keeps in Python (articles/markup.py)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS_AP
from django.utils.text import Truncator
from jinja2 import ChainableUndefined, Environment

from articles import citation, markup, richtext, seo
from newsroom import renditions
from newsroom.links import author_url, media_url, section_url, site_links, slug_urls, story_url, url
from newsroom.request_scope import current_language, current_timezone


@lru_cache(maxsize=1024)
def static_url(path: str) -> str:
    """Django's {% static %}; remembered (a lookup in the hashed names' manifest each time)."""
    return static(path)


def format_date(value: date | datetime | None, format_string: str) -> str:
    """Django's `date` filter: an aware datetime in the current time zone, Django's format codes."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = value.astimezone(current_timezone())  # timezone.localtime(), the zone read once
    fast = FAST_DATE_FORMATS.get(format_string)
    return fast(value) if fast else dateformat.format(value, format_string)


@lru_cache(maxsize=256)
def month_name_ap(language: str | None, month: int) -> str:
    """The month's name as the Associated Press abbreviates it ("N"), in `language` as above."""
    return str(MONTHS_AP[month])


# The formats of the article page (eight dates a page), the datelines and the search hits (ten a
# page, "N j, Y"), without the general formatter's cost.
FAST_DATE_FORMATS: dict[str, Callable[[date], str]] = {
    "c": lambda value: value.isoformat(),
    "Ymd": lambda value: f"{value.year:04d}{value.month:02d}{value.day:02d}",
    "F j, Y": lambda value: (
        f"{markup.month_name(current_language(), value.month)} {value.day}, {value.year:04d}"
    ),
    "N j, Y": lambda value: f"{month_name_ap(current_language(), value.month)} {value.day}, {value.year:04d}",
}


def truncatechars(text: str, length: int) -> str:
    """Django's `truncatechars`. A text already short and in NFC (most headlines) comes back as it
    is, as from Truncator, without its count of combining characters (which can only shorten it)."""
    text = str(text)
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(length)


def environment(**options: Any) -> Environment:
    # As in Django's templates, a missing value renders as nothing, and so do its attributes
    # (`meta.noindex` on a page without `meta`, such as the 404 page).
    env = Environment(**{**options, "undefined": ChainableUndefined})
    env.globals.update(
        SITE_NAME=settings.SITE_NAME,
        url=url,
        site_links=site_links,
        static=static_url,
        media_url=media_url,
        story_url=story_url,
        author_url=author_url,
        section_url=section_url,
        slug_urls=slug_urls,
        section_links=markup.section_links,
        notes_line=markup.notes_line,
        notes_block=markup.notes_block,
        story_list=markup.story_list,  # the one piece of markup written in Python: see its comment
        bullet_run=richtext.bullet_run,
        image_srcset=lambda image: renditions.srcset(image, media_url),
        avatar_url=lambda author: renditions.smallest_url(author.avatar_renditions, author.avatar, media_url),
        image_absolute_url=seo.image_absolute_url,
        article_json_ld=seo.article_json_ld,
        author_json_ld=seo.author_json_ld,
        breadcrumb_json_ld=seo.breadcrumb_json_ld,
        website_json_ld=seo.website_json_ld,
        story_citation=citation.story_citation,
    )
    env.filters.update(date=format_date, truncatechars=truncatechars)
    return env
