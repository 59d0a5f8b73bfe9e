"""The data model's integrity rules and the public-visibility gate."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor, RelatedLink, format_byline
from tests.factories import ArticleFactory, AuthorFactory, RelatedLinkFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_duplicate_slug_is_rejected_by_the_database():
    ArticleFactory(slug="same-slug")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="Another", slug="same-slug")


def test_invalid_status_is_rejected_by_the_database():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="archived")


def test_empty_title_is_rejected_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(title="", slug="untitled")


def test_invalid_teaser_kind_is_rejected_by_the_database():
    link = RelatedLinkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RelatedLink.objects.filter(pk=link.pk).update(kind="podcast")


def test_an_author_with_bylines_cannot_be_deleted():
    author = AuthorFactory()
    ArticleFactory(authors=[author])
    with pytest.raises(IntegrityError), transaction.atomic():
        author.delete()


def test_a_section_with_stories_cannot_be_deleted():
    section = SectionFactory()
    ArticleFactory(section=section)
    with pytest.raises(IntegrityError), transaction.atomic():
        section.delete()


def test_deleting_a_teaser_target_keeps_the_teaser():
    target = ArticleFactory()
    link = RelatedLinkFactory(target=target)
    target.delete()
    link.refresh_from_db()
    assert link.target is None


def test_published_story_is_visible_to_readers():
    story = ArticleFactory(status="published", published_at=timezone.now() - timezone.timedelta(hours=1))
    assert list(Article.objects.published()) == [story]


def test_published_story_without_a_date_is_visible_to_readers():
    story = ArticleFactory(status="published", published_at=None)
    assert list(Article.objects.published()) == [story]


def test_scheduled_article_is_hidden_from_readers_until_its_time():
    ArticleFactory(status="published", published_at=timezone.now() + timezone.timedelta(hours=1))
    assert not Article.objects.published().exists()


def test_draft_is_hidden_from_readers():
    ArticleFactory(status="draft", published_at=timezone.now() - timezone.timedelta(days=1))
    assert not Article.objects.published().exists()


def test_listing_order_is_newest_first_with_undated_stories_last():
    undated = ArticleFactory(published_at=None)
    old = ArticleFactory(published_at=timezone.now() - timezone.timedelta(days=30))
    new = ArticleFactory(published_at=timezone.now() - timezone.timedelta(days=1))
    assert list(Article.objects.published()) == [new, old, undated]


def test_byline_follows_the_ordered_authors():
    first, second, third = (
        AuthorFactory(name="Ann Lee"),
        AuthorFactory(name="Bo Chan"),
        AuthorFactory(name="Cy Dew"),
    )
    story = ArticleFactory(authors=[second, first, third])
    assert story.byline == "Bo Chan, Ann Lee and Cy Dew"
    ArticleAuthor.objects.filter(article=story, author=third).delete()
    story.refresh_byline()
    assert Article.objects.get(pk=story.pk).byline == "Bo Chan and Ann Lee"


def test_format_byline():
    assert format_byline([]) == ""
    assert format_byline(["A"]) == "A"
    assert format_byline(["A", "B"]) == "A and B"


def test_search_vector_is_stored_and_weighted_by_field():
    ArticleFactory(title="Hockey diplomacy", summary="", body="Nothing related.", slug="a")
    ArticleFactory(title="Energy talks", summary="", body="They discussed hockey once.", slug="b")
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import F

    query = SearchQuery("hockey", config="english")
    ranked = Article.objects.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
    assert [a.slug for a in ranked.order_by("-rank")] == ["a", "b"]  # title (A) outranks body (C)


def test_models_have_readable_names_and_urls(article, author):
    assert str(article) == article.title
    assert article.get_absolute_url() == f"/articles/{article.slug}/"
    assert author.get_absolute_url() == "/authors/abbey-fenbert/"
    assert article.section.get_absolute_url() == f"/sections/{article.section.slug}/"
    assert author.initials == "AF"
