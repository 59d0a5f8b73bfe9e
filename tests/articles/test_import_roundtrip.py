"""An article page this app renders re-imports to the same article."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.importer.load import Outcome, article_upsert_from_import
from articles.importer.pages import read_saved_page
from articles.models import Article
from tests.articles.snapshots import describe_article
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, RelatedLinkFactory

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed"


def describe(article: Article) -> dict:
    article.refresh_from_db()
    return describe_article(article)


def reimport(client, article: Article):
    html = client.get(article.get_absolute_url()).content
    page = read_saved_page(html, origin=f"http://testserver{article.get_absolute_url()}")
    assert page.parsed.layout == "html/jsonld"
    return article_upsert_from_import(page=page)


def test_the_seed_article_page_reimports_to_the_same_article(client):
    call_command("import_articles", str(SEED), stdout=io.StringIO())
    article = Article.objects.get()
    before = describe(article)
    result = reimport(client, article)
    assert result.outcome is Outcome.UPDATED and result.article_id == article.pk
    assert Article.objects.count() == 1
    assert describe(article) == before


def test_a_dated_article_with_two_authors_and_a_video_teaser_reimports_to_itself(client):
    authors = [AuthorFactory(name="Ann Lee", role="Reporter"), AuthorFactory(name="Kyiv desk", role="")]
    article = ArticleFactory(
        title="Parliament passes the budget",
        summary="A long night in Kyiv ends with a vote.",
        published_at=datetime(2025, 3, 18, 16, 12, tzinfo=UTC),
        hero_image=ImageFactory(caption="Deputies vote (L) in Kyiv.", credit="Reuters"),
        authors=authors,
    )
    RelatedLinkFactory(article=article, title="Watch: the vote", summary="", kind="video")
    before = describe(article)
    assert reimport(client, article).outcome is Outcome.UPDATED
    assert describe(article) == before
