"""The results list and facets of /search/, one tag call per item.

A results page shows ten hits and up to 24 facet links. As template loops over their fields they
were ~40% of the page's rendering (about 1 ms of 2.8, bench/page_profile.py at 100k stories):
each variable lookup on an object first tries it as a dict key and fails. Escaping is
`format_html`'s, as in the template."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_AP
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from articles.search import Hit

register = template.Library()


@register.simple_tag
def search_hit(hit: Hit) -> SafeString:
    """<li>: the headline linking into the story, section · date · byline, the highlighted snippet
    (or the summary when the words are only in the body beyond the snippet's window)."""
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


@register.simple_tag
def facet_items(items: list[dict]) -> SafeString:
    """<li>s of one facet group: a link that narrows the search, and its count."""
    return format_html_join(
        "\n",
        '<li><a href="{}">{}</a> <span class="count">{}</span></li>',
        ((item["url"], item["label"], item["count"]) for item in items),
    )
