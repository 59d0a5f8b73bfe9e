"""The search page in a real Chromium (tests/browser/conftest.py): type a query, see highlighted
results, remove a chip, follow a result to the highlighted paragraph."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.search.suggest import refresh_vocabulary
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stories():
    news = SectionFactory(name="News", slug="news")
    abbey = AuthorFactory(name="Abbey Fenbert", slug="abbey-fenbert")
    when = timezone.make_aware(datetime(2024, 5, 1, 12))
    ArticleFactory(
        title="Energy ministers meet",
        slug="energy-ministers",
        summary="A summit in Vienna.",
        # The match sits in the last of 31 paragraphs, far below the fold.
        body="\n\n".join(["Opening words about the weather."] * 30 + ["The grid repairs began in Kharkiv."]),
        section=news,
        published_at=when,
        authors=[abbey],
    )
    ArticleFactory(title="Grid news", body="Grid operators in Lviv.", section=news, published_at=when)
    refresh_vocabulary()


def test_search_highlight_chip_and_jump_to_paragraph(page, stories):
    page.goto("/search/")
    page.fill("#id_q", "grid author:fenbert")
    page.press("#id_q", "Enter")
    expect(page.locator(".search-hit")).to_have_count(1)
    expect(page.locator(".search-snippet mark").first).to_have_text("grid")

    page.get_by_role("link", name="Remove author: fenbert").click()
    expect(page.locator(".search-hit")).to_have_count(2)

    page.get_by_role("link", name="Energy ministers meet").click()
    page.wait_for_url("**/articles/energy-ministers/**")
    paragraph = page.locator(".article-body p", has_text="grid repairs began")
    # The text fragment (#:~:text=…) scrolls the matching paragraph into view.
    page.wait_for_function("() => window.scrollY > 0")
    expect(paragraph).to_be_in_viewport()
