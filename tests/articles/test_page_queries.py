"""The article page's one statement (articles/page_queries.py) agrees with the ORM's rules: the
`published()` gate, the listing order of a section and of an author's stories, and it reads them
from their indexes (EXPLAIN), prepared or not."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.page_queries import STATEMENTS, author_page, home_page, section_page, story_page
from tests.factories import ArticleFactory, AuthorFactory, RelatedLinkFactory, SectionFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
GATE_CASES = {
    "published": {"status": "published", "published_at": NOW - timedelta(days=2)},
    "published undated": {"status": "published", "published_at": None},
    "published this instant": {"status": "published", "published_at": NOW},
    "scheduled": {"status": "published", "published_at": NOW + timedelta(seconds=1)},
    "draft": {"status": "draft", "published_at": NOW - timedelta(days=2)},
    "draft undated": {"status": "draft", "published_at": None},
}


@pytest.fixture
def every_case(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return {case: ArticleFactory(**fields) for case, fields in GATE_CASES.items()}


def explain_prepared(name: str, params: str, values: list) -> str:
    """EXPLAIN of statement `name`'s plan, prepared afresh. The test tables are tiny, and their
    statistics change as tests come and go: with sequential scans and sorts discouraged, what is
    checked is that an index returns each listing in its order (a plan cached by an earlier test,
    as statements outlive its transaction, could have been made for other rows)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("DEALLOCATE ALL")
        connection._prepared_statements = (connection.connection, set())
        cursor.execute(f"PREPARE {name} ({STATEMENTS[name][0]}) AS {STATEMENTS[name][1]}")
        cursor.execute(f"EXPLAIN EXECUTE {name}({params})", values)
        explained = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"DEALLOCATE {name}")  # the next test prepares its own
        return explained


@pytest.fixture(params=[True, False], ids=["prepared", "unprepared"])
def prepared(request, settings):
    settings.DATABASE_PREPARED_STATEMENTS = request.param
    return request.param


def test_the_statement_admits_exactly_the_published_stories(every_case, prepared):
    public = set(Article.objects.published().values_list("slug", flat=True))
    assert len(public) == 3
    for case, story in every_case.items():
        found = story_page(story.slug)
        assert (found is not None) == (story.slug in public), case
        preview = story_page(story.slug, preview=True)
        assert preview.slug == story.slug and preview.is_public == (story.slug in public), case


def test_teasers_link_only_to_public_targets_in_their_order(every_case, prepared):
    story = every_case["published"]
    for position, (case, target) in enumerate(every_case.items()):
        RelatedLinkFactory(article=story, target=target, title=case, position=len(every_case) - position)
    public = set(Article.objects.published().values_list("slug", flat=True))
    teasers = story_page(story.slug).teasers
    assert [teaser.title for teaser in teasers] == list(reversed(GATE_CASES))
    for teaser, target in zip(teasers, reversed(every_case.values()), strict=True):
        assert teaser.target_slug == (target.slug if target.slug in public else None), teaser.title


def test_more_by_is_each_authors_newest_other_public_stories(monkeypatch, prepared):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    first, second, quiet = AuthorFactory(), AuthorFactory(), AuthorFactory()
    for days in range(6):
        ArticleFactory(published_at=NOW - timedelta(days=days, hours=2), authors=[first])
    ArticleFactory(published_at=None, authors=[second])
    ArticleFactory(status="draft", authors=[second])
    ArticleFactory(published_at=NOW + timedelta(days=1), authors=[second])  # scheduled
    story = ArticleFactory(published_at=NOW - timedelta(hours=1), authors=[first, second, quiet])

    page = story_page(story.slug)

    assert [author.slug for author in page.authors] == [first.slug, second.slug, quiet.slug]
    for author, found in zip((first, second, quiet), page.authors, strict=True):
        listing = Article.objects.published().filter(authors=author).exclude(pk=story.pk)
        assert [more.slug for more in found.more] == list(listing.values_list("slug", flat=True)[:3])
    assert [len(author.more) for author in page.authors] == [3, 1, 0]


def test_neighbours_follow_the_section_listing_exactly(monkeypatch, prepared):
    """Every public story's neighbours are the stories beside it in the section's listing: ties on
    the date broken by id, undated stories last, drafts, scheduled stories and other sections
    skipped."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    section, other = SectionFactory(), SectionFactory()
    tie = NOW - timedelta(days=3)
    for published_at in (NOW - timedelta(days=1), tie, tie, tie, NOW - timedelta(days=9), None, None):
        ArticleFactory(section=section, published_at=published_at)
    ArticleFactory(section=section, status=Article.Status.DRAFT, published_at=tie)
    ArticleFactory(section=section, published_at=NOW + timedelta(days=1))  # scheduled
    ArticleFactory(section=other, published_at=tie)

    listing = list(Article.objects.published().filter(section=section).values_list("slug", flat=True))
    assert len(listing) == 7
    for position, slug in enumerate(listing):
        page = story_page(slug)
        newer = listing[position - 1] if position else None
        older = listing[position + 1] if position + 1 < len(listing) else None
        assert (page.newer and page.newer.slug) == newer, position
        assert (page.older and page.older.slug) == older, position
    assert story_page(ArticleFactory(section=None).slug).older is None


def test_a_new_database_session_prepares_the_statement_again(every_case, settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    slug = every_case["published"].slug
    assert story_page(slug).slug == slug
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        assert ("newsroom_story_page",) in cursor.fetchall()
        cursor.execute("DEALLOCATE ALL")  # what a new session starts with
    connection._prepared_statements = (connection.connection, set())
    assert story_page(slug).slug == slug


def test_the_statement_reads_the_listing_indexes(every_case, settings):
    """More-by boxes walk `author_listing_idx`, neighbours `article_section_listing_idx`: bounded
    work however large the archive. (The test tables are tiny: sequential scans are switched off.)"""
    settings.DATABASE_PREPARED_STATEMENTS = True
    section, author = SectionFactory(), AuthorFactory()
    stories = ArticleFactory.create_batch(5, section=section, authors=[author])
    explained = explain_prepared("newsroom_story_page", "%s, false, %s", [stories[2].slug, NOW])
    assert "author_listing_idx" in explained
    # Neighbours: each scan of the section's index starts at the story's date (an OR of the listing
    # order's cases made PostgreSQL walk the section from its newest story: 31 ms at 1M stories).
    lines = explained.splitlines()
    scans = [n for n, line in enumerate(lines) if "article_section_listing_idx on articles_article o" in line]
    assert len(scans) >= 2
    for scan in scans:
        condition = next(line for line in lines[scan + 1 :] if "Index Cond" in line)
        assert "published_at" in condition
    sorted_by = [line.split("Sort Key:")[1].strip() for line in explained.splitlines() if "Sort Key:" in line]
    own_rows = {'l."position", l.id', 'r."position", r.id', "c.made_at, c.id"}  # bylines, teasers, notes
    assert set(sorted_by) <= own_rows


# --- lists ------------------------------------------------------------------------------------------


@pytest.fixture
def listing(monkeypatch):
    """Stories of every gate case in two sections, by two authors, some on the same date."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    news, opinion = SectionFactory(name="News"), SectionFactory(name="Arts")
    ana, bo = AuthorFactory(), AuthorFactory()
    tie = NOW - timedelta(days=3)
    for n in range(30):
        fields = list(GATE_CASES.values())[n % len(GATE_CASES)]
        if fields["published_at"] == NOW - timedelta(days=2):
            fields = {**fields, "published_at": tie if n % 4 else NOW - timedelta(days=n)}
        ArticleFactory(
            **fields, section=(news, opinion, None)[n % 3], authors=[(ana, bo)[n % 2], ana][: 1 + n % 2]
        )
    return news, opinion, ana, bo


def slugs(stories) -> list[str]:
    return [story.slug for story in stories]


def test_home_pages_are_the_public_listing(listing, prepared):
    public = list(Article.objects.published().values_list("slug", flat=True))
    first, second = home_page(0, 4, count_cap=100), home_page(4, 4, count_cap=100)
    assert slugs(first.stories) == public[:4] and slugs(second.stories) == public[4:8]
    assert first.count == len(public) and home_page(0, 4, count_cap=5).count == 5
    assert second.lead_authors is None and second.section_blocks is None
    lead = Article.objects.get(slug=public[0])
    assert [author.slug for author in first.lead_authors] == [
        link.author.slug for link in lead.author_links.select_related("author")
    ]
    assert first.stories[0].published_at == lead.published_at  # a datetime again, from JSON


def test_home_section_blocks_are_each_sections_newest_among_the_recent(listing, prepared):
    news, arts, *_ = listing
    recent = 7
    candidates = Article.objects.published().filter(section__isnull=False)[:recent]
    blocks = home_page(0, 4, count_cap=100, per_section=2, recent=recent).section_blocks
    assert [block.name for block in blocks] == sorted({story.section.name for story in candidates})
    for block in blocks:
        expected = [story.slug for story in candidates if story.section_id == block.id][:2]
        assert slugs(block.stories) == expected


def test_section_and_author_pages_are_their_public_listings(listing, prepared):
    news, arts, ana, bo = listing
    for section in (news, arts):
        public = list(Article.objects.published().filter(section=section).values_list("slug", flat=True))
        page = section_page(section.slug, 2, 3, count_cap=100)
        assert (page.name, page.count, slugs(page.stories)) == (section.name, len(public), public[2:5])
    for author in (ana, bo):
        public = list(Article.objects.published().by_author(author).values_list("slug", flat=True))
        page = author_page(author.slug, 1, 4, count_cap=100)
        assert (page.name, page.count, slugs(page.stories)) == (author.name, len(public), public[1:5])
    assert section_page("no-such-section", 0, 20, count_cap=100) is None
    assert author_page("no-such-author", 0, 20, count_cap=100) is None


@pytest.mark.parametrize(
    ("name", "params", "index"),
    [
        ("newsroom_home_page", "0, 20, %s, 1000, true, 3, 400, true", "article_listing_idx"),
        ("newsroom_section_page", "%s, 0, 20, %s, 1000", "article_section_listing_idx"),
        ("newsroom_author_page", "%s, 0, 20, %s, 1000", "author_listing_idx"),
    ],
)
def test_list_statements_walk_their_listing_index(listing, settings, name, params, index):
    settings.DATABASE_PREPARED_STATEMENTS = True
    news, _, ana, _ = listing
    owner = {"newsroom_section_page": [news.slug], "newsroom_author_page": [ana.slug]}.get(name, [])
    explained = explain_prepared(name, params, [*owner, NOW])
    assert index in explained
    sorted_by = [line.split("Sort Key:")[1].strip() for line in explained.splitlines() if "Sort Key:" in line]
    # The listing itself is never sorted; the front page sorts only bounded sets: the lead's byline,
    # the `recent` (400) candidates of its section blocks and the blocks.
    assert not any(key.startswith(("a.", "l.article_published_at")) for key in sorted_by), sorted_by
