"""Markup that reader pages repeat for every story of a list, written as Python: a teaser's date and
meta line, a search hit, a facet's links. The home page shows 60 datelines; as template code they
were half of its rendering time. Escaping is `format_html`'s, as in the templates (tested against
it in tests/articles/test_reader_tags.py).

Each function takes a story as a model instance or as a row (`articles.page_queries.Row`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from html import escape  # the text Django's escape() gives, without its check for lazy strings
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from articles.archive_state import archive_cached
from articles.models import Article, Section
from newsroom.links import slug_urls
from newsroom.request_scope import current_language, current_timezone

NAV_SECTIONS = 8
# How long the sections' story counts are kept (the menu's order, the sections index): counting
# every public story takes ~110 ms at 1,000,000 stories, too dear to redo at each change, and an
# order a few minutes old misleads nobody.
SECTION_COUNTS_SECONDS = 600

SECTION_COUNTS_KEY = "section-counts"
DATE_UNKNOWN = mark_safe('<span class="date-unknown">Date unknown</span>')


def section_counts() -> dict[int, int]:
    """Each section's number of public stories, by section id (sections without any left out),
    kept for SECTION_COUNTS_SECONDS whatever changes meanwhile."""
    counts = cache.get(SECTION_COUNTS_KEY)
    if counts is None:
        rows = Article.objects.published().order_by().values_list("section").annotate(n=Count("pk"))
        counts = {section: n for section, n in rows if section is not None}
        cache.set(SECTION_COUNTS_KEY, counts, SECTION_COUNTS_SECONDS)
    return counts


def busiest_sections() -> list[Section]:
    """The sections with public stories now, the busiest first (`story_count`), then by name.
    Which sections is exact (one probe of a story per section); their counts may be minutes old
    (`section_counts`), and are counted again when a section is missing from them."""
    has_stories = Exists(Article.objects.published().filter(section=OuterRef("pk")))
    sections = list(Section.objects.filter(has_stories).only("name", "slug"))
    counts = section_counts()
    if any(section.pk not in counts for section in sections):
        cache.delete(SECTION_COUNTS_KEY)
        counts = section_counts()
    for section in sections:
        section.story_count = counts.get(section.pk, 0)
    return sorted(sections, key=lambda section: (-section.story_count, section.name))


def section_links() -> tuple[list[tuple[str, str]], bool]:
    """The masthead's section links: (name, URL) of the NAV_SECTIONS busiest sections, and whether
    there are more (then the menu links to all of them). Every page shows them: cached until the
    archive changes (one query then)."""
    return archive_cached("section-nav", _section_links, SECTION_COUNTS_SECONDS)


def _section_links() -> tuple[list[tuple[str, str]], bool]:
    sections = busiest_sections()
    return [(section.name, section.get_absolute_url()) for section in sections[:NAV_SECTIONS]], (
        len(sections) > NAV_SECTIONS
    )


def dateline(when: datetime | None) -> SafeString:
    """A story's date as <time>, or "Date unknown": archived pages often carry none, and we never
    invent one."""
    return datelines()(when)


def datelines() -> Callable[[datetime | None], SafeString]:
    """`dateline` with the current time zone and language looked up once: for a list of stories."""
    zone, months = current_timezone(), _month_names(current_language())

    def dateline(when: datetime | None) -> SafeString:
        if when is None:
            return DATE_UNKNOWN
        local = when.astimezone(zone)
        # What date_format(local, "c") and "F j, Y" give, at a tenth of their cost.
        month = months[local.month]
        return mark_safe(f'<time datetime="{local.isoformat()}">{month} {local.day}, {local.year:04d}</time>')

    return dateline


@lru_cache(maxsize=64)
def _month_names(language: str | None) -> dict[int, str]:
    """The months' names in `language` (the active one, which the cache is keyed on), escaped."""
    return {month: escape(month_name(language, month)) for month in MONTHS}


@lru_cache(maxsize=256)
def month_name(language: str | None, month: int) -> str:
    """The month's name in `language`, the active one (which the cache is keyed on)."""
    return str(MONTHS[month])  # not the lazy translation, which is looked up at each use


def story_meta(story: Any, dateline: Callable[[datetime | None], SafeString] = dateline) -> SafeString:
    """The line under a teaser: byline · date · read time."""
    # f-strings with escape() rather than format_html: the same markup at a third of the cost.
    byline = f'<span class="story-byline-text">{escape(story.byline)}</span> · ' if story.byline else ""
    minutes = f" · {int(story.reading_minutes)} min read" if story.reading_minutes else ""
    return mark_safe(f'<p class="story-meta">{byline}{dateline(story.published_at)}{minutes}</p>')


def story_list(
    stories: list[Any], level: int = 2, show_section: bool = False, empty_text: str = "No stories here yet."
) -> SafeString:
    """A list of teasers (<ol class="story-list">): section, headline, summary, meta line; or
    `empty_text`. Written in Python, with the links' prefix, time zone and language looked up once:
    as a template loop, the home page's 20 teasers and its section headlines were half of the
    page's time, uncached."""
    if not stories:
        return format_html('<p class="empty">{}</p>', empty_text)
    level = int(level)
    story_url, section_url, dateline = slug_urls("article_detail"), slug_urls("section_detail"), datelines()
    items = []
    for story in stories:
        section = story.section if show_section else None
        kicker = (
            f'<p class="kicker"><a href="{escape(section_url(section.slug))}">{escape(section.name)}</a></p>'
            if section
            else ""
        )
        summary = (
            f'<p class="story-summary">{escape(truncatewords(story.summary, SUMMARY_WORDS))}</p>'
            if story.summary
            else ""
        )
        link = f'<a href="{escape(story_url(story.slug))}">{escape(story.title)}</a>'
        items.append(
            f'<li class="story-item">\n<article class="story-card">\n{kicker}'
            f'<h{level} class="story-title">{link}</h{level}>\n{summary}{story_meta(story, dateline)}\n'
            "</article>\n</li>"
        )
    return mark_safe('<ol class="story-list">\n' + "\n".join(items) + "\n</ol>")


def section_blocks(blocks: list[Any]) -> SafeString:
    """The front page's "By section" blocks: each section's name and its newest headlines, with
    their dates (a block: `id`, `name`, `slug` and `stories`)."""
    story_url, section_url, dateline = slug_urls("article_detail"), slug_urls("section_detail"), datelines()
    parts = []
    for block in blocks:
        headlines = "\n".join(
            f'<li><a href="{escape(story_url(story.slug))}">{escape(story.title)}</a> '
            f"{dateline(story.published_at)}</li>"
            for story in block.stories
        )
        parts.append(
            f'<section class="section-block" aria-labelledby="section-{int(block.id)}">\n'
            f'<h3 id="section-{int(block.id)}" class="section-block-title">'
            f'<a href="{escape(section_url(block.slug))}">{escape(block.name)}</a></h3>\n'
            f"<ul>\n{headlines}\n</ul>\n</section>"
        )
    return mark_safe("\n".join(parts))


SUMMARY_WORDS = 45
TRUNCATED = " …"


def truncatewords(text: str, length: int) -> str:
    """Django's `truncatewords` (`Truncator.words`), without its lazy translations."""
    words = text.split()
    kept = " ".join(words[:length])
    if len(words) <= length or kept.endswith(TRUNCATED):
        return kept
    return kept + TRUNCATED


def search_hit(hit: Any) -> SafeString:
    """A search result's <li>: the headline linking into the story, section · date · byline, the
    highlighted snippet (or the summary when the words are only in the body beyond the snippet's
    window). One call per hit: as template loops over their fields, hits and facets were ~40% of a
    results page's rendering."""
    article = hit.article
    meta = [conditional_escape(article.section.name)] if article.section else []
    if article.published_at is None:
        meta.append("Date unknown")
    else:
        local = timezone.localtime(article.published_at)
        when = f"{MONTHS_AP[local.month]} {local.day}, {local.year}"  # the `date:"N j, Y"` filter's text
        meta.append(format_html('<time datetime="{}">{}</time>', local.isoformat(), when))
    if article.byline:
        meta.append(conditional_escape(article.byline))
    text = hit.snippet or article.summary
    return format_html(
        '<li class="search-hit">\n<h3><a href="{}">{}</a></h3>\n<p class="story-meta">{}</p>\n{}</li>',
        hit.url,
        article.title,
        mark_safe(" · ".join(meta)),  # each part escaped above
        format_html('<p class="search-snippet">{}</p>', text) if text else "",
    )


def facet_items(items: list[dict]) -> SafeString:
    """<li>s of one facet group: a link that narrows the search, and its count."""
    return format_html_join(
        "\n",
        '<li><a href="{}">{}</a> <span class="count">{}</span></li>',
        ((item["url"], item["label"], item["count"]) for item in items),
    )
