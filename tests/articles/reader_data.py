"""Archives built with factories for the reader-site tests (view tests and browser tests share them)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from articles.models import Article, Image, RelatedLink, Section
from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, RelatedLinkFactory, SectionFactory

SEED = Path(__file__).resolve().parents[2] / "fixtures" / "seed" / "000_a62c5fcdd14d0141.txt"
SEED_TITLE = "Trump, Putin open to 'mutually beneficial cooperation' in key sectors, Kremlin says"
SEED_CREDIT = "Mikhail Klimentyev / Sputnik / AFP via Getty Images"
SEED_TEASER = "Ukraine war latest: Putin, Trump hold 1.5-hour call, discuss ceasefire in Ukraine"
SEED_CHROME = ["Avatar", "Article image", "Read more", "Show More"]


def seed_blocks() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n\n")


def build_seed_article() -> Article:
    """The seed page's story exactly as the importer loads it (no date, no dek, a hero without a
    file but with caption and credit, one teaser): the reader pages are tested on the real thing."""
    call_command("import_articles", str(SEED), stdout=io.StringIO())
    return Article.objects.get(title=SEED_TITLE)


def build_archive(count: int = 50) -> dict[str, object]:
    """`count` published stories over three sections and four authors (some with two authors, hero
    images and teasers, a few undated), plus a draft and a scheduled story."""
    now = timezone.now()
    sections = [SectionFactory(name=name, slug=name.lower()) for name in ("World", "Business", "Culture")]
    authors = [AuthorFactory() for _ in range(3)] + [
        AuthorFactory(name="Kyiv Desk", slug="kyiv-desk", role="", is_organization=True)
    ]
    stories = []
    for i in range(count):
        stories.append(
            ArticleFactory(
                section=sections[i % 3],
                published_at=None if i % 10 == 9 else now - timezone.timedelta(hours=6 * i + 1),
                hero_image=ImageFactory() if i % 2 == 0 else None,
                authors=[authors[i % 4]] + ([authors[(i + 1) % 4]] if i % 5 == 0 else []),
            )
        )
    for i, story in enumerate(stories[:10]):
        RelatedLinkFactory(article=story, target=stories[i + 1], title=stories[i + 1].title, position=0)
        RelatedLinkFactory(article=story, title=f"Video {i}", kind=RelatedLink.Kind.VIDEO, position=1)
    draft = ArticleFactory(title="An unfinished draft", slug="draft-story", status=Article.Status.DRAFT)
    scheduled = ArticleFactory(
        title="Tomorrow's scheduled story",
        slug="scheduled-story",
        published_at=now + timezone.timedelta(days=1),
    )
    return {
        "stories": stories,
        "sections": sections,
        "authors": authors,
        "draft": draft,
        "scheduled": scheduled,
    }


def dated(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def author_named(name: str) -> Author:
    return Author.objects.get(name=name)


def wipe_archive() -> None:
    """Delete every story, author, section and image (inside the caller's transaction)."""
    Article.objects.all().delete()  # cascades to bylines and teasers
    Author.objects.all().delete()
    Section.objects.all().delete()
    Image.objects.all().delete()


def truncate_archive() -> None:
    """Empty the archive's tables and restart their ids, as a fresh test database has them (other
    test modules may count on ids starting at 1, e.g. when loading a fixture)."""
    models = [*apps.get_app_config("articles").get_models(), *apps.get_app_config("authors").get_models()]
    tables = [model._meta.db_table for model in models if model._meta.managed]  # not views
    sql = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    connection.ops.execute_sql_flush(sql)


def shared_archive_fixture(count: int = 50):
    """A module-scoped `archive` fixture: built and committed once per test module (building it takes
    about a second), truncated afterwards. Each test still runs in its own rolled-back transaction, so
    what a test changes is undone; a test that needs an empty archive deletes it inside its own."""

    @pytest.fixture(scope="module")
    def archive(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            data = build_archive(count)
        yield data
        with django_db_blocker.unblock():
            truncate_archive()

    return archive


HEADLINES = [
    (
        "World",
        "EU leaders agree on new sanctions package after overnight talks",
        "The measures target shipping and banks.",
    ),
    (
        "Business",
        "Grain exports through Black Sea ports reach a two-year high",
        "Traders credit the maritime corridor.",
    ),
    (
        "Culture",
        "Kyiv's opera house reopens with a sold-out season premiere",
        "Performances move to daytime slots.",
    ),
    (
        "World",
        "Poland and Ukraine settle border dispute over truck permits",
        "Queues at the crossings have cleared.",
    ),
    (
        "Business",
        "Central bank holds interest rate steady as inflation eases",
        "The hryvnia is stable against the euro.",
    ),
    (
        "Culture",
        "A photographer's archive of 1990s Kharkiv goes on show",
        "Over 300 prints, most never exhibited.",
    ),
    (
        "World",
        "Drone attacks on energy grid leave three regions without power",
        "Repair crews worked through the night.",
    ),
    (
        "Business",
        "Steelmaker restarts a blast furnace idle since 2022",
        "Output is expected to double by spring.",
    ),
]


def build_reader_site() -> dict[str, object]:
    """A small, realistic archive for the browser: the seed story, a lead story it teases (and that
    teases it back), stories over several months and sections, and undated ones."""
    seed = build_seed_article()
    abbey = seed.authors.get()
    now = timezone.now()
    lead = ArticleFactory(
        title=SEED_TEASER,
        slug="ukraine-war-latest-march-18",
        section=seed.section,
        summary="Russia agrees to a 30-day pause of strikes on energy sites; the US announces new talks.",
        published_at=now - timezone.timedelta(hours=2),
        reading_minutes=4,
        hero_image=ImageFactory(
            alt_text="Firefighters at a damaged apartment block",
            caption="Firefighters work at an apartment block in Kharkiv hit by a drone on March 18.",
            credit="Sergey Bobok / AFP via Getty Images",
        ),
        authors=[abbey],
    )
    RelatedLinkFactory(
        article=lead, target=seed, title=seed.title, summary="The Kremlin's readout.", position=0
    )
    RelatedLinkFactory(
        article=lead,
        title="Life under the drones: a night in a Kyiv shelter",
        url="https://video.example.com/kyiv-night",
        kind=RelatedLink.Kind.VIDEO,
        position=1,
    )
    seed.teasers.update(target=lead)
    reporters = [AuthorFactory(name=name) for name in ("Olena Koval", "Martin Fornusek")]
    stories = [
        ArticleFactory(
            title=title,
            summary=dek,
            section=SectionFactory(name=section, slug=section.lower()),
            published_at=now - timezone.timedelta(days=9 * i + 1),
            hero_image=ImageFactory(caption="", credit="") if i % 3 == 0 else None,
            authors=[reporters[i % 2]],
        )
        for i, (section, title, dek) in enumerate(HEADLINES)
    ]
    undated = ArticleFactory(
        title="Archive photo essay: Odesa's staircase",
        section=SectionFactory(name="Culture", slug="culture"),
        published_at=None,
        authors=[reporters[0]],
    )
    return {"seed": seed, "lead": lead, "author": abbey, "stories": stories, "undated": undated}
