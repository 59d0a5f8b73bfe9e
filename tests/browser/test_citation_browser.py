"""A reader copies the story's citation: the Copy buttons come from static/js/copy-citation.js
(no CSP violation: the `new_page` fixture fails on any), and the copy is announced."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.articles.reader_data import SEED_TITLE, build_seed_article

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_reader_copies_the_apa_citation(new_page):
    story = build_seed_article()
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(story.get_absolute_url())
    cite = page.locator("details.cite")
    expect(cite.locator(".cite-copy")).to_have_count(5)  # the script ran: one button a style
    cite.locator("summary").click()
    apa = cite.locator("#cite-apa")
    expect(apa).to_contain_text(f"Fenbert, A. (n.d.). {SEED_TITLE}.")

    cite.get_by_role("button", name="Copy APA citation").click()
    expect(cite.locator(".cite-status")).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == apa.text_content()


def test_without_the_script_the_citations_are_there_and_no_button_is(new_page):
    story = build_seed_article()
    page = new_page(java_script_enabled=False)
    page.goto(story.get_absolute_url())
    page.locator("details.cite summary").click()
    expect(page.locator("#cite-bibtex")).to_contain_text("note = {n.d.}")
    expect(page.locator(".cite-copy")).to_have_count(0)
