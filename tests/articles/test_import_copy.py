"""The importer's COPY path (`articles/importer/copy_rows.py`): the text format, a round trip through
PostgreSQL, and the promise that it writes exactly the rows the ORM path writes."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import slugify

from articles.importer import load, story_links, story_rows
from articles.importer.copy_rows import copy_into, copy_line, copy_text, copy_value, reserve_ids
from articles.importer.load import ImportOptions, Outcome, import_pages
from articles.importer.pages import SavedPage
from articles.importer.parsed import ParsedArticle, ParsedAuthor, ParsedImage, ParsedTeaser
from articles.models import Article, ArticleAuthor, Image, RelatedLink, Section, SourceDocument
from authors.models import Author

# Everything COPY's text format gives a meaning to, and things it must leave alone.
TRICKY = (
    "tab\there, back\\slash, \\N and \\. and \\t literally,\nnew line,\r\nCRLF, “quotes” é 日本 🙂 \u200b"
)


# --- the text format (pure) ---------------------------------------------------------------------------


def test_copy_text_escapes_exactly_backslash_tab_newline_and_carriage_return():
    assert copy_text("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e"
    assert copy_text("\\N") == "\\\\N"  # the text "\N", not a NULL
    assert (
        copy_text("plain “unicode” 日本 🙂, commas; quotes ' \"")
        == "plain “unicode” 日本 🙂, commas; quotes ' \""
    )
    assert copy_text("") == ""


def test_copy_text_refuses_nul_like_the_orm_does():
    with pytest.raises(ValueError, match="NUL"):
        copy_text("before\x00after")


def test_copy_value_per_type():
    assert copy_value(None) == "\\N"
    assert copy_value(True) == "t" and copy_value(False) == "f"
    assert copy_value(0) == "0" and copy_value(32767) == "32767"
    moment = datetime(2025, 3, 18, 16, 12, 5, 123456, tzinfo=UTC)
    assert copy_value(moment) == "2025-03-18T16:12:05.123456+00:00"
    assert copy_value(["no date", "tab\there"]) == json.dumps(["no date", "tab\there"]).replace("\\", "\\\\")
    with pytest.raises(ValueError, match="naive"):
        copy_value(datetime(2025, 3, 18))
    with pytest.raises(TypeError):
        copy_value(1.5)


def test_copy_line_separates_with_tabs_and_ends_with_a_newline():
    assert copy_line([1, "a\tb", None, False]) == "1\ta\\tb\t\\N\tf\n"


# --- through PostgreSQL --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_copy_round_trips_any_text_and_json_through_postgresql():
    [section_id] = reserve_ids({Section: 1})[Section]
    copy_into(Section, [{"id": section_id, "name": "Tricky", "slug": "tricky", "description": TRICKY}])
    assert Section.objects.get(pk=section_id).description == TRICKY
    [source_id] = reserve_ids({SourceDocument: 1})[SourceDocument]
    now = timezone.now()
    row = {
        "id": source_id,
        "text": TRICKY,
        "sha256": "a" * 64,
        "origin": "dir\\file\t.txt",
        "layout": "text/standard",
        "parser_version": "1",
        "warnings": [TRICKY, "no publication date"],
        "imported_at": now,
    }
    copy_into(SourceDocument, [row])
    stored = SourceDocument.objects.values().get(pk=source_id)
    assert stored == row


@pytest.mark.django_db
def test_reserved_ids_are_ascending_unused_and_the_orm_continues_after_them():
    ids = reserve_ids({Section: 3, Image: 0})
    assert ids[Image] == [] and ids[Section] == sorted(set(ids[Section])) and len(ids[Section]) == 3
    assert Section.objects.create(name="Later", slug="later").pk > ids[Section][-1]


@pytest.mark.django_db
def test_a_copy_error_is_a_django_database_error_and_copy_is_logged_as_a_query():
    Section.objects.create(name="Taken", slug="taken")
    with CaptureQueriesContext(connection) as queries, pytest.raises(IntegrityError), transaction.atomic():
        copy_into(Section, [{"name": "Other", "slug": "taken", "description": ""}], with_id=False)
    assert any(
        q["sql"].startswith('COPY "articles_section" ("name", "slug", "description")') for q in queries
    )


# --- the COPY path writes what the ORM path writes ------------------------------------------------------


def rich_page(title: str = "Budget passes — “at last” 🙂", **changes) -> SavedPage:
    fields = {
        "layout": "html/jsonld",
        "title": title,
        "section": "Politics & Power",
        "summary": "A long night\tin Kyiv \\ ends.",
        "read_minutes": None,  # computed from the words
        "published": datetime(2025, 3, 18, 16, 12, tzinfo=UTC),
        "authors": [
            ParsedAuthor(name="Ann Lee", role="Reporter", bio="Writes about\nbudgets."),
            ParsedAuthor(name="Kyiv desk", is_organization=True),
            ParsedAuthor(name="Ann Lee", role="Reporter"),  # twice in the byline: one author
        ],
        "hero_image": ParsedImage(
            alt="Deputies", caption="Vote (L).", credit="Reuters", url="https://x/i.jpg"
        ),
        "paragraphs": ["First\tparagraph with a back\\slash.", "Second: 日本語, “quotes”, \\N."],
        "teasers": [
            ParsedTeaser(title="Older story", summary="Earlier…", url="https://example.org/older"),
            ParsedTeaser(title="Watch: the vote", kind="video"),
            ParsedTeaser(title="", summary="untitled teasers are skipped"),
            ParsedTeaser(title=title, kind="podcast"),  # itself: not a target; unknown kind: article
        ],
        "canonical_url": f"https://example.org/{slugify(title)}",
        "warnings": ['a warning with "quotes", a tab\t and ünïcode'],
    }
    parsed = ParsedArticle(**{**fields, **changes})
    return SavedPage(origin="archive/budget\\1.html", text=f"<html>{title}\t\\ 🙂</html>", parsed=parsed)


def archive_rows() -> dict[str, list[dict]]:
    """Every row the importer writes, ids replaced by their position and timestamps by a marker."""
    tables = {
        "source": SourceDocument.objects.order_by("id").values(),
        "image": Image.objects.order_by("id").values(),
        "article": Article.objects.order_by("id").values(),
        "author_link": ArticleAuthor.objects.order_by("article_id", "position").values(),
        "teaser": RelatedLink.objects.order_by("article_id", "position").values(),
        "author": Author.objects.order_by("id").values(),
        "section": Section.objects.order_by("id").values(),
    }
    rows = {name: list(query) for name, query in tables.items()}
    ids = {
        (name, row["id"]): n for name in ("source", "image", "article") for n, row in enumerate(rows[name])
    }
    references = {
        "source_id": "source",
        "hero_image_id": "image",
        "article_id": "article",
        "target_id": "article",
    }
    for name, table in rows.items():
        for row in table:
            if name in ("source", "image", "article", "author_link", "teaser"):
                row["id"] = ids.get((name, row["id"]), "auto")
            for key, target in references.items():
                if row.get(key) is not None:
                    row[key] = ids[(target, row[key])]
            for key in ("created_at", "updated_at", "imported_at"):
                if key in row:
                    assert timezone.now() - row[key] < timedelta(minutes=5), (name, key)
                    row[key] = "now"
    return rows


def clear_archive() -> None:
    for model in (RelatedLink, ArticleAuthor, Article, Image, SourceDocument):
        model.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options",
    [
        ImportOptions(),
        ImportOptions(section="Archive", status="draft", published=datetime(2020, 1, 2, tzinfo=UTC)),
    ],
    ids=["page-values", "overrides"],
)
def test_copy_path_and_orm_path_write_identical_rows(options):
    older = rich_page(title="Older story", published=None, canonical_url="", hero_image=None, teasers=[])
    pages = [
        older,
        rich_page(),
        rich_page(title="Plain", authors=[], teasers=[], hero_image=None, warnings=[]),
    ]

    results = list(import_pages(pages, options=options))  # one batch of new pages: the COPY path
    assert [r.outcome for r in results] == [Outcome.CREATED] * 3
    by_copy = archive_rows()
    assert by_copy["teaser"][0]["target_id"] == 0  # "Older story", archived in the same batch
    clear_archive()

    for page in pages:  # one page at a time: the ORM path
        assert load._import_one(page, options).outcome is Outcome.CREATED
    assert archive_rows() == by_copy


@pytest.mark.django_db
def test_the_copy_path_is_what_imports_a_batch_of_new_pages(monkeypatch):
    def no_orm(*args, **kwargs):
        raise AssertionError("the ORM path was used")

    monkeypatch.setattr(load, "create_articles", no_orm)
    results = list(import_pages([rich_page(), rich_page(title="Another one")]))
    assert [r.outcome for r in results] == [Outcome.CREATED] * 2
    assert Article.objects.count() == 2 and SourceDocument.objects.count() == 2


@pytest.mark.django_db
def test_a_batch_with_one_bad_page_imports_the_others_and_leaves_nothing_of_the_bad_one():
    bad = rich_page(title="Bad story", summary="A NUL\x00 PostgreSQL cannot store.")
    pages = [rich_page(title="Good one"), bad, rich_page(title="Good two")]
    results = {r.page.parsed.title: r for r in import_pages(pages)}
    assert results["Good one"].outcome is results["Good two"].outcome is Outcome.CREATED
    assert results["Bad story"].outcome is Outcome.FAILED and "NUL" in results["Bad story"].error
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Good one", "Good two"]
    assert SourceDocument.objects.count() == 2 and Image.objects.count() == 2
    assert RelatedLink.objects.filter(article__title="Bad story").count() == 0


@pytest.mark.django_db
def test_reimporting_the_same_pages_changes_nothing(tmp_path):
    for n in range(5):
        text = f"News Feed\n\nStory {n}\twith a tab\n\n3 min read\n\nBody {n} with \\ and “quotes”.\n\n"
        (tmp_path / f"{n}.txt").write_text(
            text + "Avatar\nJane Roe\n\nReporter\n\nJane Roe covers politics.\n"
        )
    call_command("import_articles", str(tmp_path), stdout=io.StringIO())
    before = archive_rows()
    out = io.StringIO()
    call_command("import_articles", str(tmp_path), stdout=out)
    assert "0 created, 0 updated, 5 unchanged, 0 failed" in out.getvalue()
    assert archive_rows() == before


@pytest.mark.django_db
def test_copy_leaves_the_search_vectors_to_postgresql():
    [result] = import_pages([rich_page()])
    assert result.outcome is Outcome.CREATED
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector @@ to_tsquery('english', 'paragraph'), "
            "search_vector_head @@ to_tsquery('english', 'budget') FROM articles_article"
        )
        assert cursor.fetchone() == (True, True)


@pytest.mark.django_db
def test_teasers_find_their_target_by_exact_title_whatever_its_letters():
    """Targets are looked up through the UPPER(title) index, upper-cased by PostgreSQL (Python's
    "ß".upper() is "SS"): an exact title matches, a title that differs only in case does not."""
    first = rich_page(title="Straße gesperrt: ﬁnal vote", teasers=[])
    second = rich_page(
        title="Next day",
        teasers=[
            ParsedTeaser(title="Straße gesperrt: ﬁnal vote"),
            ParsedTeaser(title="STRASSE GESPERRT: FINAL VOTE"),
        ],
    )
    list(import_pages([first]))
    list(import_pages([second]))
    targets = dict(RelatedLink.objects.values_list("title", "target__title"))
    assert targets == {
        "Straße gesperrt: ﬁnal vote": "Straße gesperrt: ﬁnal vote",
        "STRASSE GESPERRT: FINAL VOTE": None,
    }
    RelatedLink.objects.update(target=None)
    story_links.relink_teasers(["Straße gesperrt: ﬁnal vote"])  # a teaser imported before its target
    assert dict(RelatedLink.objects.values_list("title", "target__title")) == targets


@pytest.mark.django_db
def test_a_row_postgresql_refuses_mid_copy_fails_only_its_page(monkeypatch):
    """A constraint violation inside the COPY itself (not a formatting error before it): the batch
    rolls back whole and is retried page by page, where only the bad page fails."""
    real = story_rows.article_fields

    def invalid_status_for_one(page, options):
        fields = real(page, options)
        return {**fields, "status": "bogus"} if page.parsed.title == "Bad story" else fields

    monkeypatch.setattr(story_rows, "article_fields", invalid_status_for_one)
    pages = [rich_page(title="Good one"), rich_page(title="Bad story"), rich_page(title="Good two")]
    results = {r.page.parsed.title: r for r in import_pages(pages)}
    assert results["Bad story"].outcome is Outcome.FAILED
    assert "article_status_valid" in results["Bad story"].error
    assert results["Good one"].outcome is results["Good two"].outcome is Outcome.CREATED
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Good one", "Good two"]
    assert SourceDocument.objects.count() == Image.objects.count() == 2
