"""What reader pages need from Python besides their rows: the sections' story counts and order (the
menu, the sections index), the front page's "By section" blocks rendered for the cache, and the one
piece of markup still written in Python, the teaser list (`story_list`, with its meta lines and
datelines).

All other markup is in the templates: datelines, the "By section" blocks (templates/articles/
_headlines.html), search hits and facets (_search.html), as Jinja2 macros escaped by autoescape. The
teaser list stays here because a benchmark says so: its comment gives the figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from html import escape  # the text Django's escape() gives, without its check for lazy strings
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef
from django.template import engines
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from markupsafe import Markup

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


def section_blocks(blocks: list[Any]) -> Markup:
    """The front page's "By section" blocks as markup, for the view to keep in the cache: the
    `section_blocks` macro of templates/articles/_headlines.html (a block: `id`, `name`, `slug` and
    `stories`)."""
    return engines["jinja2"].env.get_template("articles/_headlines.html").module.section_blocks(blocks)


# --- the teaser list: markup in Python, where the benchmark wants it ---
#
# bench/page_instructions.py (100,000 stories, --requests 100), instructions a request, with the
# teaser lists as Jinja2 macros (story_list → story_meta → dateline, in the manner of
# templates/articles/_headlines.html) against this function: the section page 8.50 M against
# 5.89 M, the author page 9.31 M against 6.34 M, the front page 9.56 M against 6.77 M (the
# f-strings before this function, with a mark_safe per date and meta line: 6.32, 6.78 and 7.13 M,
# so the macros cost +34-37%). The fastest macro form tried, one macro with the meta line and the
# date inlined and filters for the links, still cost 38,000 instructions more a teaser (20 teasers
# in isolation: 3.18 M against 2.41 M; about +10% on the front page): Jinja2 makes a Markup object
# of every value it writes, resolves every attribute through Environment.getattr, and binds every
# macro call's arguments in Python. So a list's teasers are written here, escaped with html.escape
# (the text of Django's escape()); their date is the `dateline` macro's markup, and
# tests/articles/test_reader_tags.py checks that the two agree.

SUMMARY_WORDS = 45
TRUNCATED = " …"
DATE_UNKNOWN = mark_safe('<span class="date-unknown">Date unknown</span>')


def story_list(
    stories: list[Any], level: int = 2, show_section: bool = False, empty_text: str = "No stories here yet."
) -> SafeString:
    """A list of teasers (<ol class="story-list">): section, headline, summary, meta line (byline ·
    date · read time); or `empty_text`. A story is a model instance or a row: only its attributes
    are read. The links' prefix, the time zone and the language are looked up once a list."""
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
        byline = f'<span class="story-byline-text">{escape(story.byline)}</span> · ' if story.byline else ""
        minutes = f" · {int(story.reading_minutes)} min read" if story.reading_minutes else ""
        items.append(
            f'<li class="story-item">\n<article class="story-card">\n{kicker}<h{level} class="story-title">'
            f'<a href="{escape(story_url(story.slug))}">{escape(story.title)}</a></h{level}>\n{summary}'
            f'<p class="story-meta">{byline}{dateline(story.published_at)}{minutes}</p>\n</article>\n</li>'
        )
    return mark_safe('<ol class="story-list">\n' + "\n".join(items) + "\n</ol>")


def datelines() -> Callable[[datetime | None], str]:
    """The `dateline` macro's markup for a list's dates, the time zone and language looked up once."""
    zone, months = current_timezone(), _month_names(current_language())

    def dateline(when: datetime | None) -> str:
        if when is None:
            return DATE_UNKNOWN
        local = when.astimezone(zone)
        # What the `date` filter's "c" and "F j, Y" give (articles/templating.py), at a tenth of the cost.
        return (
            f'<time datetime="{local.isoformat()}">{months[local.month]} {local.day}, {local.year:04d}</time>'
        )

    return dateline


@lru_cache(maxsize=64)
def _month_names(language: str | None) -> dict[int, str]:
    """The months' names in `language` (the active one, which the cache is keyed on), escaped."""
    return {month: escape(month_name(language, month)) for month in MONTHS}


@lru_cache(maxsize=256)
def month_name(language: str | None, month: int) -> str:
    """The month's name in `language`, the active one (which the cache is keyed on)."""
    return str(MONTHS[month])  # not the lazy translation, which is looked up at each use


def truncatewords(text: str, length: int) -> str:
    """Django's `truncatewords` (`Truncator.words`), without its lazy translations."""
    words = text.split()
    kept = " ".join(words[:length])
    if len(words) <= length or kept.endswith(TRUNCATED):
        return kept
    return kept + TRUNCATED


# --- correction notes -------------------------------------------------------------------------------
# Written here for the teaser lists' reason: as template code, three notes (their dates, labels and
# text) cost the uncached article page 8% more instructions than the same story without them
# (bench/RESULTS.md, "Refactor … and editorial integrity"); as one string each, far less.


def _note_time(when: datetime) -> str:
    local = when.astimezone(current_timezone())
    shown = f"{month_name(current_language(), local.month)} {local.day}, {local.year:04d}"
    return f'<time datetime="{local.isoformat()}">{shown}</time>'


def notes_line(notes: list[Any]) -> Markup:
    """The line under the headline about the story's latest note: "Corrected on March 20, 2025"."""
    if not notes:
        return Markup("")
    latest = notes[-1]
    return Markup(
        f'<p class="story-notes-line"><a href="#corrections">{escape(latest.verb)} on '
        f"{_note_time(latest.made_at)}</a></p>"
    )


def notes_block(notes: list[Any]) -> Markup:
    """The story's notes at its foot, oldest first."""
    if not notes:
        return Markup("")
    items = "".join(
        f'<li><strong class="note-kind">{escape(note.label)}</strong>, {_note_time(note.made_at)}: '
        f"{escape(note.text)}</li>"
        for note in notes
    )
    return Markup(
        '<section class="story-notes" id="corrections" aria-labelledby="corrections-heading">'
        f'<h2 id="corrections-heading">Corrections and updates</h2><ul>{items}</ul></section>'
    )
