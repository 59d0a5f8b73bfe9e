"""Reader pages' repeated markup escapes every field and gives exactly what Django's date formats,
`Truncator` and format_html give: the teaser lists written in Python (articles/markup.py) and the
macros of templates/articles/_headlines.html and _search.html.

Jinja2's autoescape (markupsafe) spells two entities otherwise than Django's escape(): `"` is
&#34; not &quot;, `'` is &#39; not &#x27;. The same characters are escaped; `django_spelling`
maps a macro's spelling to Django's before comparing, and changes nothing else."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import override as override_language
from markupsafe import Markup

from articles.markup import DATE_UNKNOWN, datelines, section_blocks, story_list
from articles.models import Article
from articles.search.ranking import Hit

MOMENTS = [
    datetime(2024, 1, 1, 0, 0, tzinfo=UTC),
    datetime(2024, 12, 31, 23, 59, 59, 123456, tzinfo=UTC),  # a new year in Auckland
    datetime(1999, 2, 28, 12, 30, tzinfo=UTC),
    datetime(812, 7, 4, 8, 0, tzinfo=UTC),  # a year of three digits: "Y" pads it to four
]


def macros(name: str):
    return engines["jinja2"].env.get_template(f"articles/{name}.html").module


def dateline(when: datetime | None) -> Markup:
    return macros("_headlines").dateline(when)


def django_spelling(markup: str) -> str:
    assert isinstance(markup, Markup)  # safe: the page writes it as it is
    return str(markup).replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/New_York"])
@pytest.mark.parametrize("when", MOMENTS)
def test_dateline_matches_django_date_formats_in_the_macro_and_the_teasers(when: datetime, zone: str) -> None:
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        local = timezone.localtime(when)
        expected = f'<time datetime="{date_format(local, "c")}">{date_format(local, "F j, Y")}</time>'
        assert str(dateline(when)) == expected
        assert datelines()(when) == expected


def test_dateline_month_follows_the_active_language() -> None:
    when = datetime(2024, 3, 5, 12, tzinfo=UTC)
    with override_language("de"):
        assert str(dateline(when)).endswith(">März 5, 2024</time>")
        assert datelines()(when).endswith(">März 5, 2024</time>")


def test_dateline_never_invents_a_date() -> None:
    assert dateline(None) == DATE_UNKNOWN == '<span class="date-unknown">Date unknown</span>'
    assert datelines()(None) is DATE_UNKNOWN


def teaser(**fields) -> SimpleNamespace:
    story = {"title": "T", "slug": "t", "summary": "", "byline": "", "reading_minutes": 0}
    return SimpleNamespace(**{**story, "published_at": MOMENTS[0], "section": None, **fields})


def meta_line(story_list_html: str) -> str:
    (line,) = re.findall(r'<p class="story-meta">.*?</p>', story_list_html)
    return line


@pytest.mark.parametrize(
    ("byline", "minutes"),
    [("Ana Díaz & <b>Bo</b>", 4), ("", 12), ('"Quoted" O\'Neil', None), ("Desk", 0)],
)
def test_a_teasers_meta_line_escapes_the_byline_and_matches_format_html(
    byline: str, minutes: int | None
) -> None:
    article = Article(title="T", slug="t", byline=byline, reading_minutes=minutes, published_at=MOMENTS[0])
    expected_byline = format_html('<span class="story-byline-text">{}</span> · ', byline) if byline else ""
    expected_minutes = f" · {minutes} min read" if minutes else ""
    expected = format_html(
        '<p class="story-meta">{}{}{}</p>', expected_byline, dateline(MOMENTS[0]), expected_minutes
    )
    assert meta_line(story_list([article])) == expected
    assert "<b>" not in story_list([article])


def test_story_list_matches_format_html_and_escapes_every_field() -> None:
    section = SimpleNamespace(name="Arts & <i>Culture</i>", slug="arts")
    long_summary = " ".join(f"w{n}<'\"" for n in range(60))
    story = teaser(title='<b>"Bold"</b>', slug="ünï", summary=long_summary, byline="A & B", section=section)
    expected = format_html(
        '<ol class="story-list">\n<li class="story-item">\n<article class="story-card">\n'
        '<p class="kicker"><a href="{}">{}</a></p><h3 class="story-title"><a href="{}">{}</a></h3>\n'
        '<p class="story-summary">{}</p>{}\n</article>\n</li>\n</ol>',
        reverse("section_detail", kwargs={"slug": "arts"}),
        section.name,
        reverse("article_detail", kwargs={"slug": "ünï"}),
        story.title,
        Truncator(long_summary).words(45, truncate=" …"),
        mark_safe(meta_line(story_list([story]))),
    )
    assert story_list([story], level=3, show_section=True) == expected
    assert "kicker" not in story_list([story]) and "<h2 " in story_list([story])


def test_story_list_says_when_it_is_empty() -> None:
    assert story_list([], empty_text="None <yet>") == '<p class="empty">None &lt;yet&gt;</p>'


def test_section_blocks_link_each_section_and_its_headlines_with_dates() -> None:
    stories = [teaser(title="A < B", slug="a-b"), teaser(title="C", slug="c", published_at=None)]
    block = SimpleNamespace(id=7, name="News & Views", slug="news", stories=stories)
    expected = format_html(
        '<section class="section-block" aria-labelledby="section-7">\n'
        '<h3 id="section-7" class="section-block-title"><a href="{}">{}</a></h3>\n<ul>\n'
        '<li><a href="{}">{}</a> {}</li>\n<li><a href="/articles/c/">C</a> {}</li>\n</ul>\n</section>',
        reverse("section_detail", kwargs={"slug": "news"}),
        "News & Views",
        reverse("article_detail", kwargs={"slug": "a-b"}),
        "A < B",
        dateline(MOMENTS[0]),
        DATE_UNKNOWN,
    )
    assert django_spelling(section_blocks([block])) == expected
    other = SimpleNamespace(id=8, name='"Quoted"', slug="quoted", stories=stories[1:])
    assert django_spelling(section_blocks([block, other])) == expected + format_html(
        '\n<section class="section-block" aria-labelledby="section-8">\n'
        '<h3 id="section-8" class="section-block-title"><a href="/sections/quoted/">{}</a></h3>\n<ul>\n'
        '<li><a href="/articles/c/">C</a> {}</li>\n</ul>\n</section>',
        '"Quoted"',
        DATE_UNKNOWN,
    )
    assert section_blocks([]) == ""


def test_a_search_hit_keeps_its_snippets_markup_and_escapes_the_rest() -> None:
    story = Article(title='<b>"Bold"</b>', slug="t", byline="Ann & <i>Bo</i>", summary="<script>")
    story.published_at = MOMENTS[0]
    hit = Hit(story, snippet=mark_safe("the <mark>kremlin</mark> &amp; more"), fragment="#:~:text=a")
    expected = format_html(
        '<li class="search-hit">\n<h3><a href="{}">{}</a></h3>\n'
        '<p class="story-meta"><time datetime="{}">{}</time> · {}</p>\n<p class="search-snippet">{}</p></li>',
        "/articles/t/#:~:text=a",
        story.title,
        "2024-01-01T00:00:00+00:00",
        "Jan. 1, 2024",
        story.byline,
        hit.snippet,
    )
    assert django_spelling(macros("_search").search_hit(hit)) == expected
    without = str(macros("_search").search_hit(Hit(story)))  # no snippet: the summary, escaped
    assert '<p class="search-snippet">&lt;script&gt;</p>' in without and "<script>" not in without


def test_facet_items_escape_links_labels_and_counts() -> None:
    items = [
        {"url": "?q=a&section=x", "label": "Arts & <i>Culture</i>", "count": "1,204"},
        {"url": "?y", "label": 2024, "count": "7"},
    ]
    assert django_spelling(macros("_search").facet_items(items)) == format_html(
        '<li><a href="{}">{}</a> <span class="count">{}</span></li>\n'
        '<li><a href="?y">2024</a> <span class="count">7</span></li>',
        "?q=a&section=x",
        "Arts & <i>Culture</i>",
        "1,204",
    )
    assert macros("_search").facet_items([]) == ""
