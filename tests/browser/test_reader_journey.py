"""A reader's path through the site, by mouse and by keyboard, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.articles.reader_data import SEED_CREDIT, SEED_TITLE, build_reader_site

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site():
    return build_reader_site()


def test_reader_follows_the_lead_byline_teaser_and_archive(page, site):
    lead, seed = site["lead"], site["seed"]
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Newsroom")

    page.locator(".lead-title a").click()
    expect(page).to_have_url(re.compile(re.escape(lead.get_absolute_url()) + "$"))
    expect(page.locator("h1")).to_have_text(lead.title)
    caption = page.locator("figure.hero figcaption")
    expect(caption).to_contain_text("Firefighters work at an apartment block in Kharkiv")
    expect(caption.locator(".credit")).to_have_text("Sergey Bobok / AFP via Getty Images")
    expect(page.locator(".teaser--video")).to_contain_text("Video")

    page.locator('a[rel="author"]', has_text="Abbey Fenbert").click()
    expect(page.locator("h1")).to_have_text("Abbey Fenbert")
    expect(page.locator(".author-role")).to_have_text("Senior News Editor")
    expect(page.locator(".story-title a")).to_have_count(2)

    page.go_back()
    page.locator("aside.related .teaser h3 a", has_text=SEED_TITLE).click()
    expect(page.locator("h1")).to_have_text(SEED_TITLE)
    expect(page.locator(".dateline")).to_contain_text("Date unknown")
    expect(page.locator("figure.hero .credit")).to_have_text(SEED_CREDIT)
    expect(page.locator("figure.hero--caption-only figcaption")).to_be_visible()  # no picture file

    page.locator(".section-nav").get_by_role("link", name="Archive").click()
    expect(page.locator("h1")).to_have_text("Archive")
    page.locator(".archive-months a").first.click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^[A-Z][a-z]+ \d{4}$"))
    assert page.locator(".story-title a").count() >= 1
    page.go_back()
    page.locator(".archive-undated a").click()
    expect(page.locator("h1")).to_have_text("Date unknown")
    expect(page.locator(".story-title a", has_text=seed.title)).to_be_visible()


def test_keyboard_reaches_the_skip_link_first_focus_is_visible_and_print_is_clean(page, site):
    page.goto(site["seed"].get_absolute_url())

    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent]")
    assert focused == ["skip-link", "Skip to content"]
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    page.keyboard.press("Tab")  # the first link inside <main>: the section link
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("() => document.activeElement.textContent") == "News Feed"
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("News Feed")

    # Print: the story, without the site's chrome.
    page.goto(site["lead"].get_absolute_url())
    page.emulate_media(media="print")

    for chrome in (".section-nav", ".site-footer", ".related", ".breadcrumbs"):
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator(".article-body")).to_be_visible()
