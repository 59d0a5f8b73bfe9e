"""Issue 26's journey, through the real UI in Chromium: an editor corrects a published story's figure
and adds a correction note; the reader page shows the note and the corrected text, `/corrections/`
and its feed list it, the page's ETag changed; the story's history shows both revisions with the
changed words marked; restoring the first brings the old text back and records a third."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.test_editor_journey import editor, sign_in  # noqa: F401 (the editor fixture)
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_editor_corrects_a_story_and_readers_see_it(new_page, live_server, editor):  # noqa: F811
    story = ArticleFactory(
        title="Harbour traffic grows",
        body="<p>The harbour handled 30 ships last year.</p>",
        published_at=datetime(2025, 3, 18, 10, tzinfo=UTC),
        hero_image=None,
    )
    reader = new_page()
    url = f"{live_server.url}{story.get_absolute_url()}"
    etag_before = reader.request.get(url).headers["etag"]

    page = new_page()
    sign_in(page)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.get_by_text("30 ships").dblclick()  # a word, as a person selects it
    page.keyboard.press("End")
    page.keyboard.press("Shift+Home")
    page.keyboard.type("The harbour handled 40 ships last year.")
    page.get_by_text("Add another Correction").click()
    note = page.locator("#corrections-group .inline-related:not(.empty-form)").last
    note.get_by_label("Kind").select_option("correction")
    note.get_by_label("Text").fill("An earlier version said 30 ships; there were 40.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    reader.goto(url)
    expect(reader.locator(".article-body")).to_contain_text("40 ships")
    expect(reader.locator(".story-notes-line")).to_contain_text("Corrected on")
    expect(reader.locator("#corrections")).to_contain_text("there were 40")
    assert reader.request.get(url).headers["etag"] != etag_before
    reader.goto(f"{live_server.url}/corrections/")
    expect(reader.get_by_role("link", name="Harbour traffic grows")).to_be_visible()
    assert "there were 40" in reader.request.get(f"{live_server.url}/corrections/feed/").text()

    page.goto(f"/admin/articles/article/{story.pk}/history/")
    rows = page.locator("#change-history tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_role("button", name="Compare the two revisions").click()
    expect(page.locator("del").filter(has_text="30")).to_be_visible()
    expect(page.locator("ins").filter(has_text="40")).to_be_visible()
    reader.screenshot(path="/tmp/corrections-reader.png", full_page=True)

    page.goto(f"/admin/articles/article/{story.pk}/history/")
    page.locator("#change-history tbody tr").last.locator("th a").click()  # the first revision
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert "30 ships" in Article.objects.get(pk=story.pk).body
    page.goto(f"/admin/articles/article/{story.pk}/history/")
    expect(page.locator("#change-history tbody tr")).to_have_count(3)
    later = new_page()  # a reader who comes later (the first one's browser keeps the page max-age)
    later.goto(url)
    expect(later.locator(".article-body")).to_contain_text("30 ships")
    expect(later.locator("#corrections")).to_contain_text("there were 40")  # the note stays
