"""Corrections and updates (issue 26): an editor's note on a story, seen by its readers on the
story, on `/corrections/` and in its feed, in the story's JSON-LD, and in its validators."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from articles.corrections import Correction
from articles.models import Article
from tests.articles.test_admin import _change_form, admin_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
WHEN = datetime(2025, 3, 18, 10, tzinfo=UTC)


@pytest.fixture
def story():
    return ArticleFactory(title="Harbour reopens", published_at=WHEN, hero_image=None)


def _json_ld(html: str) -> dict:
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.select('script[type="application/ld+json"]'):
        data = json.loads(script.string)
        if data.get("@type") == "NewsArticle":
            return data
    raise AssertionError("no NewsArticle")


def test_a_note_shows_under_the_headline_and_at_the_foot_of_the_story(client, story):
    Correction.objects.create(
        article=story,
        text="An earlier version said 30 ships; there were 40.",
        made_at=WHEN + timedelta(days=2),
    )
    soup = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    assert "Corrected on March 20, 2025" in soup.select_one(".story-notes-line").get_text(" ", strip=True)
    notes = soup.select_one("#corrections")
    assert "Correction" in notes.get_text() and "there were 40" in notes.get_text()


def test_a_story_without_notes_shows_neither(client, story):
    soup = BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")
    assert soup.select_one("#corrections") is None and soup.select_one(".story-notes-line") is None


def test_the_corrections_page_lists_notes_newest_first_and_only_of_public_stories(client, story):
    draft = ArticleFactory(status="draft", hero_image=None)
    Correction.objects.create(article=story, text="First note", made_at=WHEN + timedelta(days=1))
    Correction.objects.create(
        article=story, kind="update", text="Second note", made_at=WHEN + timedelta(days=3)
    )
    Correction.objects.create(article=draft, text="Secret note")
    response = client.get(reverse("corrections"))
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert response.status_code == 200
    assert text.index("Second note") < text.index("First note") and "Secret note" not in text
    assert story.get_absolute_url() in response.content.decode()


def test_the_corrections_feed_lists_each_note_with_its_story(client, story):
    Correction.objects.create(article=story, text="An earlier version misspelt the harbour.")
    response = client.get(reverse("corrections_feed"))
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    assert "Correction: Harbour reopens" in body and "misspelt the harbour" in body
    assert f"{story.get_absolute_url()}#corrections" in body


def test_the_json_ld_carries_the_notes_and_the_date_modified(client, story):
    made = WHEN + timedelta(days=5)
    Correction.objects.create(article=story, text="Corrected the figure.", made_at=made)
    data = _json_ld(client.get(story.get_absolute_url()).content.decode())
    assert data["@type"] == "NewsArticle"
    assert data["correction"] == [
        {"@type": "CorrectionComment", "text": "Corrected the figure.", "datePublished": made.isoformat()}
    ]
    assert data["dateModified"] == made.isoformat()


def test_a_new_note_changes_the_storys_etag_and_last_modified(client, story):
    url = story.get_absolute_url()
    first = client.get(url)
    Correction.objects.create(article=story, text="A note.", made_at=timezone.now())
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200
    second = client.get(url)
    assert second["ETag"] != first["ETag"] and "A note." in second.content.decode()


def test_deleting_a_note_changes_the_story_too(client, story):
    note = Correction.objects.create(article=story, text="A note.")
    before = Article.objects.get(pk=story.pk).updated_at
    note.delete()
    assert Article.objects.get(pk=story.pk).updated_at > before


def test_an_editor_adds_a_note_in_the_storys_admin_form(client, admin_user, story):
    client.force_login(admin_user)
    form = _change_form(
        story,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "clarification",
            "corrections-0-text": "The harbour is in the north.\r\nNot the south.",
            "corrections-0-made_at_0": "2025-03-19",
            "corrections-0-made_at_1": "09:00:00",
        },
    )
    response = client.post(admin_url(Article, "change", story.pk), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    note = story.corrections.get()
    assert (note.kind, note.text) == ("clarification", "The harbour is in the north.\nNot the south.")


def test_hostile_note_text_is_escaped_everywhere(client, story):
    Correction.objects.create(article=story, text="<script>alert(1)</script> & more")
    for url in (story.get_absolute_url(), reverse("corrections"), reverse("corrections_feed")):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
