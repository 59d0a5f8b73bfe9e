"""A story's `search_filters` (its section, authors and year as lexemes, indexed with its words)
and the section and author filters of a word search that read it.

The column is kept by database triggers (migrations 0007, 0008), so these tests write the way the
app's paths do (save, queryset update, bylines added, moved and removed, stale instances, the
importer's COPY) and compare the column with the story's own section, bylines and date."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from articles.importer.load import Outcome, import_pages
from articles.models import Article, ArticleAuthor, Section, filter_lexeme
from articles.search import limits
from articles.search.query import parse_query
from articles.search.sql import Search, filter_articles
from authors.models import Author
from tests.articles.test_import_copy import rich_page
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.search_reference import matches

pytestmark = pytest.mark.django_db


def stored(story: Article) -> set[str]:
    with connection.cursor() as cursor:
        sql = "SELECT tsvector_to_array(search_filters) FROM articles_article WHERE id = %s"
        cursor.execute(sql, [story.pk])
        return set(cursor.fetchone()[0])


def expected(story: Article) -> set[str]:
    """What the story's section and bylines say, through the ORM."""
    # (only the columns every migration state has: this runs with the schema of 0007 too)
    story = Article.objects.only("section_id", "published_at").get(pk=story.pk)
    authors = ArticleAuthor.objects.filter(article=story).values_list("author_id", flat=True)
    section = {filter_lexeme("section", story.section_id)} if story.section_id else set()
    year = {filter_lexeme("year", story.published_at.astimezone(UTC).year)} if story.published_at else set()
    return section | year | {filter_lexeme("author", pk) for pk in authors}


def test_a_new_story_holds_its_section_authors_and_year():
    story = ArticleFactory(
        section=SectionFactory(), authors=[AuthorFactory(), AuthorFactory()], published_at=at(2019, 5, 1)
    )
    assert len(stored(story)) == 4 and stored(story) == expected(story)
    assert filter_lexeme("year", 2019) in stored(story)
    assert stored(ArticleFactory(section=None, published_at=None)) == set()


def test_the_year_follows_the_date_however_it_is_written():
    """The UTC year: a story published at 00:30 on New Year's Day in Paris is of the old year."""
    story = ArticleFactory(published_at=datetime(2021, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Paris")))
    assert filter_lexeme("year", 2020) in stored(story) and stored(story) == expected(story)
    story.published_at = at(2022, 7, 1)
    story.save()
    assert stored(story) == expected(story) and filter_lexeme("year", 2022) in stored(story)
    Article.objects.filter(pk=story.pk).update(published_at=at(2023, 7, 1))  # rescheduled in bulk
    assert stored(story) == expected(story) and filter_lexeme("year", 2023) in stored(story)
    Article.objects.filter(pk=story.pk).update(published_at=None)
    assert stored(story) == expected(story) and not any(lexeme.startswith("y") for lexeme in stored(story))


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def test_bylines_added_moved_and_removed_reach_their_story():
    first, second, third = AuthorFactory(), AuthorFactory(), AuthorFactory()
    story, other = ArticleFactory(authors=[first]), ArticleFactory(authors=[])
    ArticleAuthor.objects.create(article=story, author=second, position=1)
    assert stored(story) == expected(story) and len(stored(story)) == 4

    ArticleAuthor.objects.filter(article=story, author=second).update(author=third)
    assert filter_lexeme("author", third.pk) in stored(story)
    assert filter_lexeme("author", second.pk) not in stored(story)

    ArticleAuthor.objects.filter(article=story, author=third).update(article=other)  # moved
    assert stored(story) == expected(story) and stored(other) == expected(other)
    assert filter_lexeme("author", third.pk) in stored(other)

    ArticleAuthor.objects.filter(article=story).delete()
    assert stored(story) == expected(story)
    assert not any(lexeme.startswith("a") for lexeme in stored(story))


def test_a_new_section_reaches_the_story_however_it_is_written():
    story = ArticleFactory(authors=[AuthorFactory()])
    story.section = SectionFactory()
    story.save()
    assert stored(story) == expected(story)

    Article.objects.filter(pk=story.pk).update(section=SectionFactory())  # an admin bulk action
    assert stored(story) == expected(story)
    Article.objects.filter(pk=story.pk).update(section=None)
    assert stored(story) == expected(story)


def test_what_the_app_writes_into_the_column_is_replaced_by_the_truth():
    """A stale instance saved after its bylines changed, or a value written on purpose."""
    story = ArticleFactory(authors=[AuthorFactory()])
    stale = Article.objects.get(pk=story.pk)
    ArticleAuthor.objects.create(article=story, author=AuthorFactory(), position=1)
    stale.title = "A new title"
    stale.save()
    assert stored(story) == expected(story) and len(stored(story)) == 4

    Article.objects.filter(pk=story.pk).update(search_filters="'s999999'")
    assert stored(story) == expected(story)


def test_the_importers_copy_path_writes_each_story_once_complete():
    """Bylines are written before their stories, so no story row is updated afterwards (which
    would copy every index entry of the story again): here an update would fail the import."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'a story was updated'; END $$; "
            "CREATE TRIGGER refuse_updates BEFORE UPDATE ON articles_article "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse()"
        )
    [result] = import_pages([rich_page()])
    assert result.outcome is Outcome.CREATED, result.error
    story = Article.objects.get()
    assert stored(story) == expected(story) and len(stored(story)) == 4  # a section, a year, two authors
    with pytest.raises(DatabaseError, match="a story was updated"), transaction.atomic():
        ArticleAuthor.objects.create(article=story, author=AuthorFactory(), position=5)


@pytest.fixture
def filtered_archive():
    news, sport = SectionFactory(name="News", slug="news"), SectionFactory(name="Sport", slug="sport")
    ann, bob = AuthorFactory(name="Ann Marsh", slug="ann-marsh"), AuthorFactory(name="Bob Marsh")
    carl = AuthorFactory(name="Carl Ode")
    for n, (section, authors) in enumerate(
        [(news, [ann]), (news, [bob]), (sport, [ann, carl]), (sport, [carl]), (None, [ann]), (news, [])]
    ):
        ArticleFactory(title=f"Harbour story {n}", body="The harbour.", section=section, authors=authors)
    ArticleFactory(title="Draft harbour", body="The harbour.", section=news, authors=[ann], status="draft")
    ArticleFactory(title="Other news", body="Nothing here.", section=news, authors=[ann])


def titles(raw: str) -> set[str]:
    return set(matches(Search(parse_query(raw))).values_list("title", flat=True))


@pytest.mark.parametrize(
    "raw",
    [
        "harbour section:news",
        "harbour section:Sport",
        "harbour author:ann",
        "harbour author:marsh",  # two authors
        "harbour author:marsh section:sport",
        "harbour author:ann-marsh",
        "harbour section:nowhere",
        "harbour author:nobody section:news",
        "-nothing section:news",
    ],
)
def test_with_words_the_filters_find_what_joins_on_sections_and_bylines_find(filtered_archive, raw):
    parsed = parse_query(raw)
    assert "search_filters" in Search(parsed).where[0]
    assert titles(raw) == reference_titles(parsed)


@pytest.mark.parametrize(
    ("raw", "ids_limit", "names"),
    [
        ("harbour", 20_000, {"public_0", "public_1"}),
        (
            "harbour section:news author:ann after:2020-01-01 before:2024-12-31",
            20_000,
            {"public_0", "public_1", "filters", "after", "before"},
        ),
        (
            "section:news after:2020-01-01",
            20_000,
            {"public_0", "public_1", "section_0", "section_1", "after"},
        ),
        ("author:ann", 20_000, {"public_0", "public_1", "author"}),  # the ids
        ("author:ann", 0, {"public_0", "public_1", "author_0", "author_1", "author_2"}),  # the bylines
        ('"harbour story" section:sport', 20_000, {"public_0", "public_1", "filters", "phrase_0"}),
    ],
)
def test_the_where_clause_is_the_orms_with_each_part_s_parameters_named(
    filtered_archive, monkeypatch, raw, ids_limit, names
):
    """`Search.where` is `base()` as the ORM compiles it, its `%s` placeholders named for the part
    they belong to (the gate, each filter, each phrase's candidates)."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # the gate's parameter, the same both times
    monkeypatch.setattr(limits, "AUTHOR_IDS_LIMIT", ids_limit)
    search = Search(parse_query(raw))
    base = search.base().query
    expected_sql, expected_params = base.get_compiler(using=search.db).compile(base.where)
    sql, params = search.where
    placeholders = re.findall(r"%\((\w+)\)s", sql)
    assert re.sub(r"%\(\w+\)s", "%s", sql) == expected_sql
    assert [params[name] for name in placeholders] == list(expected_params)
    assert set(placeholders) == set(params) == names


def reference_titles(parsed) -> set[str]:
    stories = Article.objects.published().filter(search_vector=Search(parsed).tsquery)
    if parsed.section:
        stories = stories.filter(Q(section__name__iexact=parsed.section) | Q(section__slug=parsed.section))
    if parsed.author:
        stories = stories.filter(Q(authors__name__icontains=parsed.author) | Q(authors__slug=parsed.author))
    return set(stories.values_list("title", flat=True))


def test_a_names_ids_are_kept_until_a_section_or_author_is_saved(
    filtered_archive, django_assert_num_queries, django_capture_on_commit_callbacks
):
    def where() -> str:
        sql, params = Search(parse_query("harbour section:news author:ann")).where
        return params["filters"]  # the filters' tsquery

    first = where()
    with django_assert_num_queries(0):
        assert where() == first
    elsewhere = SectionFactory(name="Elsewhere")
    elsewhere.name = "News desk"
    with django_capture_on_commit_callbacks(execute=True):  # kept until a change commits
        elsewhere.save()  # not named "news": the ids are the same, read again
    assert where() == first
    with django_capture_on_commit_callbacks(execute=True):
        AuthorFactory(name="Annabel Lee")  # "ann" now names one more author
    assert where() != first and filter_lexeme("author", Author.objects.get(name="Annabel Lee").pk) in where()


def test_the_text_index_intersects_words_and_filters_in_one_scan(filtered_archive):
    """A word's matches in one section or by one author are found inside the GIN index scan: no
    second index ANDed with every posting of the word, and no reading of every story in the
    section to test its vector. (At scale this is a hard check of bench/search_bench.py.)"""
    news, carl = Section.objects.get(slug="news"), Author.objects.get(name="Carl Ode")
    ArticleFactory.create_batch(40, body="Other words.", section=news, authors=[carl])
    with connection.cursor() as cursor:
        # As autovacuum would: the suite's rolled-back stories leave the GIN indexes long pending
        # lists, which the planner counts against each scan.
        cursor.execute(
            "SELECT gin_clean_pending_list('article_search_gin'), "
            "gin_clean_pending_list('article_search_head_gin'); ANALYZE articles_article"
        )
    for raw in ("harbour section:news", "harbour author:carl"):  # 40 more stories in each, without it
        search = Search(parse_query(raw))
        matches = Article.objects.filter(search_vector=search.tsquery)
        matches = filter_articles(matches, search.parsed).order_by().values("pk")
        sql, params = matches.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"
            )  # as the census
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert plan.count("Bitmap Index Scan") == 1 and "article_search_gin" in plan, plan
        [condition] = [line for line in plan.splitlines() if "Index Cond" in line]
        assert "search_vector @@" in condition and "search_filters @@" in condition, plan


@pytest.mark.django_db(transaction=True)
def test_migration_0008_writes_the_years_of_existing_stories_and_can_be_reversed():
    """Run back to 0007 and forward again on stories already there (its steps commit one by one,
    hence a transactional test)."""
    from django.core.management import call_command

    story = ArticleFactory(section=SectionFactory(), authors=[AuthorFactory()], published_at=at(2019, 5, 1))
    undated = ArticleFactory(published_at=None, authors=[AuthorFactory()])
    try:
        call_command("migrate", "articles", "0007", verbosity=0)
        assert stored(story) == expected(story) - {filter_lexeme("year", 2019)}
        assert stored(undated) == expected(undated)
    finally:
        call_command("migrate", "articles", verbosity=0)
    assert stored(story) == expected(story) and filter_lexeme("year", 2019) in stored(story)
    assert stored(undated) == expected(undated)
