"""The teaser furniture's fast formatting gives exactly what Django's date formats, `Truncator` and
format_html give, escaping every field."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import override as override_language

from articles.markup import DATE_UNKNOWN, dateline, section_blocks, story_list, story_meta
from articles.models import Article

MOMENTS = [
    datetime(2024, 1, 1, 0, 0, tzinfo=UTC),
    datetime(2024, 12, 31, 23, 59, 59, 123456, tzinfo=UTC),  # a new year in Auckland
    datetime(1999, 2, 28, 12, 30, tzinfo=UTC),
    datetime(812, 7, 4, 8, 0, tzinfo=UTC),  # a year of three digits: "Y" pads it to four
]


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/New_York"])
@pytest.mark.parametrize("when", MOMENTS)
def test_dateline_matches_django_date_formats(when: datetime, zone: str) -> None:
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        local = timezone.localtime(when)
        expected = f'<time datetime="{date_format(local, "c")}">{date_format(local, "F j, Y")}</time>'
        assert str(dateline(when)) == expected


def test_dateline_month_follows_the_active_language() -> None:
    when = datetime(2024, 3, 5, 12, tzinfo=UTC)
    with override_language("de"):
        assert str(dateline(when)).endswith(">März 5, 2024</time>")


def test_dateline_never_invents_a_date() -> None:
    assert dateline(None) is DATE_UNKNOWN


@pytest.mark.parametrize(
    ("byline", "minutes"),
    [("Ana Díaz & <b>Bo</b>", 4), ("", 12), ('"Quoted" O\'Neil', None), ("Desk", 0)],
)
def test_story_meta_escapes_the_byline_and_matches_format_html(byline: str, minutes: int | None) -> None:
    article = Article(byline=byline, reading_minutes=minutes, published_at=MOMENTS[0])
    expected_byline = format_html('<span class="story-byline-text">{}</span> · ', byline) if byline else ""
    expected_minutes = f" · {minutes} min read" if minutes else ""
    expected = format_html(
        '<p class="story-meta">{}{}{}</p>', expected_byline, dateline(MOMENTS[0]), expected_minutes
    )
    assert str(story_meta(article)) == expected
    assert "<b>" not in str(story_meta(article))


def teaser(**fields) -> SimpleNamespace:
    story = {"title": "T", "slug": "t", "summary": "", "byline": "", "reading_minutes": 0}
    return SimpleNamespace(**{**story, "published_at": MOMENTS[0], "section": None, **fields})


def test_story_list_matches_format_html_and_escapes_every_field() -> None:
    section = SimpleNamespace(name="Arts & <i>Culture</i>", slug="arts")
    long_summary = " ".join(f"w{n}<" for n in range(60))
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
        story_meta(story),
    )
    assert story_list([story], level=3, show_section=True) == expected
    assert "kicker" not in story_list([story]) and "<h2 " in story_list([story])


def test_story_list_says_when_it_is_empty() -> None:
    assert story_list([], empty_text="None <yet>") == '<p class="empty">None &lt;yet&gt;</p>'


def test_section_blocks_link_each_section_and_its_headlines_with_dates() -> None:
    stories = [teaser(title="A < B", slug="a-b"), teaser(title="C", slug="c", published_at=None)]
    block = SimpleNamespace(id=7, name="News & Views", slug="news", stories=stories)
    assert section_blocks([block]) == format_html(
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
