"""fixtures/seed.json is what the importer makes of fixtures/seed/ today (`make fixtures` rebuilds it)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, Image, Section, SourceDocument
from authors.models import Author

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def describe_archive() -> list[dict]:
    """Everything an article carries, without database ids and timestamps."""
    return [
        {
            "article": Article.objects.filter(pk=a.pk)
            .values(
                "title",
                "slug",
                "section__name",
                "summary",
                "body",
                "reading_minutes",
                "published_at",
                "status",
                "byline",
                "canonical_url",
            )
            .get(),
            "authors": list(
                a.authors.order_by("article_links__position").values("name", "slug", "role", "bio")
            ),
            "hero": a.hero_image and (a.hero_image.alt_text, a.hero_image.caption, a.hero_image.credit),
            "teasers": list(a.teasers.values("position", "title", "summary", "url", "kind", "target__slug")),
            "source": (a.source.sha256, a.source.text, a.source.layout, a.source.warnings),
        }
        for a in Article.objects.order_by("slug")
    ]


def test_seed_fixture_is_current():
    call_command("import_articles", str(ROOT / "fixtures" / "seed"), stdout=io.StringIO())
    imported = describe_archive()
    for model in (Article, SourceDocument, Author, Section, Image):  # the fixture brings its own ids
        model.objects.all().delete()
    call_command("loaddata", "seed", stdout=io.StringIO())
    assert describe_archive() == imported, "fixtures/seed.json is stale: run `make fixtures`"
    assert len(imported) == len(list((ROOT / "fixtures" / "seed").iterdir()))
