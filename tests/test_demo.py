"""`make demo`'s archive: generated pages a newcomer can read, imported through the real importer."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, RelatedLink, Section
from authors.models import Author

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_the_demo_pages_import_as_dated_stories_across_sections_authors_and_years(tmp_path):
    pages = tmp_path / "demo"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_pages.py"), "60", str(pages), "--demo"], check=True
    )
    out = io.StringIO()
    call_command("import_articles", str(pages), stdout=out)
    assert "60 created, 0 updated, 0 unchanged, 0 failed" in out.getvalue()

    stories = Article.objects.published()
    assert stories.count() == 60 and stories.filter(published_at__isnull=True).count() == 0
    assert len({story.published_at.year for story in stories}) >= 5  # spread over the years
    assert Section.objects.count() >= 6 and Author.objects.count() >= 10
    assert len(set(stories.values_list("title", flat=True))) == 60  # readable and all different
    assert all("  " not in title and title[0].isupper() for title in stories.values_list("title", flat=True))
    assert (
        stories.filter(hero_image__isnull=False).exists() and stories.filter(hero_image__isnull=True).exists()
    )
    # Teasers name other demo stories: they link inside the archive.
    assert RelatedLink.objects.filter(target__isnull=False).count() >= 30
