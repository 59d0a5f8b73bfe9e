"""Page furniture shared by every reader page."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.caching import archive_cached
from articles.models import Article, Section

register = template.Library()

NAV_SECTIONS = 8
NAV_CACHE_SECONDS = 3600  # a bound only: any change, and any scheduled story going live, redo it


@register.inclusion_tag("articles/_section_nav.html", takes_context=True)
def section_nav(context: template.Context) -> dict:
    """The masthead's section links: sections with at least one public story. Every page shows
    them, so the list is cached (one query when the archive changes; 0.7 ms of database time and
    as much of Python per page otherwise)."""
    request = context.get("request")
    links = archive_cached("section-nav", _section_links, NAV_CACHE_SECONDS)
    return {"links": links, "current_path": request.path if request is not None else ""}


def _section_links() -> list[tuple[str, str]]:
    """(name, URL) of the first NAV_SECTIONS sections that have a public story."""
    has_stories = Exists(Article.objects.published().filter(section=OuterRef("pk")))
    sections = Section.objects.filter(has_stories).only("name", "slug")[:NAV_SECTIONS]
    return [(section.name, section.get_absolute_url()) for section in sections]


# The two tags below are rendered for every story of every list (60 times on the home page). They
# were includes; an {% include %} costs about ten times a tag, and these two were half of the home
# page's rendering time.


DATE_UNKNOWN = mark_safe('<span class="date-unknown">Date unknown</span>')


@register.simple_tag
def dateline(when: datetime | None) -> SafeString:
    """A story's date as <time>, or "Date unknown": archived pages often carry none, and we never
    invent one."""
    if when is None:
        return DATE_UNKNOWN
    local = timezone.localtime(when)
    # What date_format(local, "c") and "F j, Y" give, at a quarter of their cost: the home page
    # shows 60 datelines, and the two format calls were 2 ms of its rendering.
    month = escape(MONTHS[local.month])
    return mark_safe(f'<time datetime="{local.isoformat()}">{month} {local.day}, {local.year:04d}</time>')


@register.simple_tag
def story_meta(article: Article) -> SafeString:
    """The line under a teaser: byline · date · read time."""
    # f-strings with escape() rather than format_html: the same markup at a third of the cost.
    byline = f'<span class="story-byline-text">{escape(article.byline)}</span> · ' if article.byline else ""
    minutes = f" · {int(article.reading_minutes)} min read" if article.reading_minutes else ""
    return mark_safe(f'<p class="story-meta">{byline}{dateline(article.published_at)}{minutes}</p>')
