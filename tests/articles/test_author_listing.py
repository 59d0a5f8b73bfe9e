"""An author's stories, listed from the byline rows' copies of each story's status and date.

The copies are kept by database triggers (migration 0005), so these tests write the way every
path of the app does (save, queryset update, bulk insert, stale instances) and check that the
author listings always agree with the one gate, `Article.objects.published()`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def copies(article: Article) -> set[tuple]:
    return set(
        ArticleAuthor.objects.filter(article=article).values_list("article_status", "article_published_at")
    )


def reference(author) -> list[int]:
    """The author's public stories in listing order, through the story rows alone."""
    return list(Article.objects.published().filter(authors=author).values_list("pk", flat=True))


def test_a_new_byline_takes_its_storys_status_and_date_whatever_the_app_sends():
    when = timezone.now() - timedelta(days=3)
    story = ArticleFactory(status="published", published_at=when)
    author = AuthorFactory()
    ArticleAuthor.objects.create(
        article=story, author=author, article_status="draft", article_published_at=None
    )
    ArticleAuthor.objects.bulk_create([ArticleAuthor(article=story, author=AuthorFactory(), position=1)])

    assert copies(story) == {("published", when)}


def test_a_storys_new_status_and_date_reach_its_bylines_however_they_are_written():
    story = ArticleFactory(status="draft", authors=[AuthorFactory(), AuthorFactory()])
    story.status, story.published_at = "published", timezone.now() - timedelta(hours=1)
    story.save()
    assert copies(story) == {("published", story.published_at)}

    later = timezone.now() + timedelta(days=1)
    Article.objects.filter(pk=story.pk).update(published_at=later)  # an admin bulk action, the importer
    assert copies(story) == {("published", later)}

    Article.objects.filter(pk=story.pk).update(status="draft", published_at=None)
    assert copies(story) == {("draft", None)}


def test_saving_a_byline_loaded_before_its_story_changed_keeps_the_storys_values():
    """The admin saves the story, then its byline inline from values read before the change."""
    author = AuthorFactory()
    story = ArticleFactory(status="draft", authors=[author])
    stale = ArticleAuthor.objects.get(article=story)
    Article.objects.filter(pk=story.pk).update(status="published")
    stale.position = 3
    stale.save()

    assert copies(story) == {("published", story.published_at)}


def test_an_author_listing_is_the_public_stories_newest_first_undated_last():
    author, other = AuthorFactory(), AuthorFactory()
    now = timezone.now()
    tie = now - timedelta(days=2)
    for published_at in (now - timedelta(days=5), tie, tie, None, now - timedelta(days=1), None):
        ArticleFactory(published_at=published_at, authors=[author])
    ArticleFactory(status="draft", authors=[author])
    ArticleFactory(published_at=now + timedelta(hours=2), authors=[author])  # scheduled
    ArticleFactory(authors=[other])
    shared = ArticleFactory(published_at=now - timedelta(days=3), authors=[other, author])

    listed = list(Article.objects.published().by_author(author).values_list("pk", flat=True))
    assert listed == reference(author)
    assert len(listed) == 7 and shared.pk in listed


def test_a_scheduled_story_joins_its_authors_listing_when_its_time_comes(monkeypatch):
    author = AuthorFactory()
    story = ArticleFactory(published_at=timezone.now() + timedelta(hours=1), authors=[author])
    assert list(Article.objects.published().by_author(author)) == []
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert list(Article.objects.published().by_author(author)) == [story]


def test_the_author_pages_count_is_the_authors_public_stories(client):
    """The page count comes from the byline rows alone; it must agree with the listing."""
    author, other = AuthorFactory(), AuthorFactory()
    ArticleFactory.create_batch(39, authors=[author])  # two pages; with the others, three
    ArticleFactory.create_batch(3, status="draft", authors=[author])
    ArticleFactory.create_batch(2, published_at=timezone.now() + timedelta(days=1), authors=[author])
    ArticleFactory.create_batch(25, authors=[other])
    assert len(reference(author)) == 39

    page = client.get(author.get_absolute_url(), {"page": 2}).content.decode()
    assert "Page 2 of 2</span>" in page
    assert client.get(author.get_absolute_url(), {"page": 3}).status_code == 404
