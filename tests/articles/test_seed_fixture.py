"""fixtures/seed.json is what the importer makes of fixtures/seed/ today (`make fixtures` rebuilds it)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, Image, Section, SourceDocument
from authors.models import Author
from tests.articles.snapshots import describe_article

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def describe_archive() -> list[dict]:
    return [describe_article(a, with_source=True) for a in Article.objects.order_by("slug")]


def test_seed_fixture_is_current():
    call_command("import_articles", str(ROOT / "fixtures" / "seed"), stdout=io.StringIO())
    imported = describe_archive()
    for model in (Article, SourceDocument, Author, Section, Image):  # the fixture brings its own ids
        model.objects.all().delete()
    call_command("loaddata", "seed", stdout=io.StringIO())
    assert describe_archive() == imported, "fixtures/seed.json is stale: run `make fixtures`"
    assert len(imported) == len(list((ROOT / "fixtures" / "seed").iterdir()))
