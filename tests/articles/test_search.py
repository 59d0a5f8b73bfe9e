"""Search logic (articles/search/, articles/search/query.py): the query language, matching,
filters, ranking, counts, facets, snippets and suggestions, against real PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from articles.models import Article
from articles.search import census, limits, relevance, results, sql
from articles.search.query import MAX_QUERY_LENGTH, clean_text, edit_distance, parse_query
from articles.search.ranking import page_hits
from articles.search.results import run_search
from articles.search.sql import Search
from articles.search.suggest import refresh_vocabulary, suggest
from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.search_reference import count_and_facets, matches, page_ids, rank_all, rank_exact


def at(year: int, month: int = 6, day: int = 1) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 12))


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def run(raw: str, sort: str = "relevance") -> Search:
    return Search(parse_query(raw), sort)


@pytest.fixture
def archive(db):
    """A small archive with known words, authors, sections and dates."""
    news, opinion = SectionFactory(name="News", slug="news"), SectionFactory(name="Opinion", slug="opinion")
    abbey = AuthorFactory(name="Abbey Fenbert", slug="abbey-fenbert")
    other = AuthorFactory(name="Boris Lang", slug="boris-lang")
    make = ArticleFactory
    make(
        title="Kremlin says talks will continue",
        body="Peace talks in Geneva.",
        section=news,
        published_at=at(2024),
        authors=[abbey],
    )
    make(
        title="Harvest festival returns",
        body="The kremlin was not mentioned. Farmers rejoice.",
        section=opinion,
        published_at=at(2010),
        authors=[other],
    )
    make(
        title="Moscow weather",
        body="Snow fell on the Kremlin walls and the talks stalled.",
        section=news,
        published_at=at(2015),
        authors=[other],
    )
    make(title="Draft about the kremlin", status=Article.Status.DRAFT)
    make(title="Scheduled kremlin story", published_at=timezone.now() + timedelta(days=3))
    refresh_vocabulary()


# --- the parser (no database) ---


def test_parser_reads_operators_phrases_exclusions_and_or():
    parsed = parse_query('"peace talks" -moscow kremlin or geneva author:"Abbey Fenbert" section:news')
    kinds = [token.kind for token in parsed.tokens]
    assert kinds == ["phrase", "exclude", "term", "or", "term", "author", "section"]
    assert parsed.text == '"peace talks" -moscow kremlin or geneva'
    assert (parsed.author, parsed.section) == ("Abbey Fenbert", "news")


def test_parser_reads_dates_and_reports_impossible_ones():
    parsed = parse_query("after:2020-01-31 before:2025-13-45 talks")
    assert parsed.after == date(2020, 1, 31)
    assert parsed.before is None
    assert parsed.errors and "before:2025-13-45" in parsed.errors[0]


def test_parser_keeps_unbalanced_quotes_balanced_for_postgres():
    parsed = parse_query('"peace talks author:"Abbey')
    assert parsed.text.count('"') % 2 == 0


def test_removing_a_part_rebuilds_the_query_without_it():
    parsed = parse_query('kremlin "peace talks" author:abbey')
    assert parsed.without(1) == "kremlin author:abbey"


def test_clean_text_drops_controls_and_direction_overrides_and_caps_length():
    assert clean_text("a\x00b\u202ec\u200bd\te") == "abcd e"
    assert len(clean_text("x" * 10_000)) == MAX_QUERY_LENGTH


@given(st.text(max_size=300))
def test_parser_never_raises(raw):
    parsed = parse_query(raw)
    assert parsed.text.count('"') % 2 == 0


def test_edit_distance_gives_up_past_its_limit():
    assert edit_distance("kremlin", "kremlni", 2) == 2
    assert edit_distance("kremlin", "harvest", 2) == 3


# --- matching and filters ---


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("kremlin", {"Kremlin says talks will continue", "Harvest festival returns", "Moscow weather"}),
        ("Kremlins", {"Kremlin says talks will continue", "Harvest festival returns", "Moscow weather"}),
        ('"peace talks"', {"Kremlin says talks will continue"}),
        ("kremlin -snow", {"Kremlin says talks will continue", "Harvest festival returns"}),
        ("geneva or farmers", {"Kremlin says talks will continue", "Harvest festival returns"}),
        ("kremlin author:fenbert", {"Kremlin says talks will continue"}),
        ('kremlin author:"Boris Lang"', {"Harvest festival returns", "Moscow weather"}),
        ("kremlin section:opinion", {"Harvest festival returns"}),
        ("kremlin section:News", {"Kremlin says talks will continue", "Moscow weather"}),
        ("kremlin after:2015-06-01", {"Kremlin says talks will continue", "Moscow weather"}),
        ("kremlin before:2015-06-01", {"Harvest festival returns", "Moscow weather"}),
        ("author:abbey-fenbert", {"Kremlin says talks will continue"}),
        ("nothingmatcheszzz", set()),
    ],
)
def test_each_operator_narrows_the_public_matches(archive, raw, expected):
    assert titles(matches(run(raw))) == expected


@pytest.mark.parametrize("raw", ["author:fenbert", 'author:"Boris Lang"', "author:a"])
def test_an_author_filter_finds_the_same_stories_as_a_list_or_by_byline(archive, monkeypatch, raw):
    """Without words, up to AUTHOR_IDS_LIMIT stories the authors' stories are sent as a list of
    ids (an index condition); past it each story's byline is tested. Both find the same public
    stories, a draft or scheduled story by the author included in neither. (With words, the
    filter reads the stories' `search_filters`: tests/articles/test_search_filters.py.)"""
    ArticleFactory(title="Draft kremlin by Abbey", status="draft", authors=list(Author.objects.all()))
    listed = run(raw)
    assert "ANY" in listed.where[0] and "EXISTS" not in listed.where[0]
    monkeypatch.setattr(limits, "AUTHOR_IDS_LIMIT", 0)
    tested = run(raw)
    assert "EXISTS" in tested.where[0]
    assert titles(matches(listed)) == titles(matches(tested))
    assert "Draft kremlin by Abbey" not in titles(matches(listed))


def test_drafts_and_scheduled_stories_never_match(archive):
    found = titles(matches(run("kremlin")))
    assert "Draft about the kremlin" not in found
    assert "Scheduled kremlin story" not in found


def ordered_titles(search: Search, capped: bool = False) -> list[str]:
    ids = page_ids(search, 0, 100, capped)
    by_id = Article.objects.in_bulk(ids)
    return [by_id[pk].title for pk in ids]


def test_relevance_ranks_title_matches_then_body_only_matches_newest_first(archive):
    assert ordered_titles(run("kremlin")) == [
        "Kremlin says talks will continue",  # in the title
        "Moscow weather",  # body only, 2015
        "Harvest festival returns",  # body only, 2010
    ]


@pytest.mark.parametrize("capped", [False, True])
def test_date_sorts(archive, capped):
    assert ordered_titles(run("kremlin", "oldest"), capped)[0] == "Harvest festival returns"
    assert ordered_titles(run("kremlin", "newest"), capped)[0] == "Kremlin says talks will continue"


def test_relevance_pages_are_disjoint_and_complete(archive):
    search = run("kremlin")
    pages = [page_ids(search, start, start + 1, False) for start in range(4)]
    assert [len(page) for page in pages] == [1, 1, 1, 0]
    assert len({pk for page in pages for pk in page}) == 3


def test_exclusions_are_checked_against_the_body_for_title_matches(archive):
    assert ordered_titles(run("kremlin -geneva")) == ["Moscow weather", "Harvest festival returns"]


def test_relevance_without_words_falls_back_to_newest(archive):
    assert run("section:news").sort == "newest"


def test_bounded_ranking_agrees_with_full_ranking_on_the_top_story(archive):
    query = run("kremlin")
    full = [a.pk for a in rank_all(matches(query), query.tsquery)]
    assert page_ids(query, 0, 1, False) == full[:1]


def test_count_is_capped(archive, monkeypatch):
    monkeypatch.setattr(limits, "COUNT_CAP", 2)
    assert count_and_facets(run("kremlin"))[:2] == (2, True)
    assert count_and_facets(run("geneva"))[:2] == (1, False)


def test_stop_words_only_is_detected(archive):
    assert census.census(run("the and of")).lexemes == 0
    assert census.census(run("kremlin")).lexemes > 0


# --- facets, snippets, suggestions, title jump ---


def test_facets_count_sections_authors_and_years(archive):
    found = count_and_facets(run("kremlin"))[2]
    assert {(item["name"], item["n"]) for item in found.sections} == {("News", 2), ("Opinion", 1)}
    assert {(item["name"], item["n"]) for item in found.authors} == {("Boris Lang", 2), ("Abbey Fenbert", 1)}
    assert [item["year"] for item in found.years] == [2024, 2015, 2010]
    assert not found.sampled


def test_facets_say_when_they_are_sampled(archive, monkeypatch):
    monkeypatch.setattr(limits, "COUNT_CAP", 1)
    assert count_and_facets(run("kremlin"))[2].sampled


@pytest.mark.parametrize(
    "hostile",
    [
        '<script>alert("x")</script>',
        "<img src=x onerror=alert(1)>",
        "<<script>>alert(1)<</script>>",
        '"><svg/onload=alert(1)>',
        "a < b > c",
        "&lt;script&gt; entity",
    ],
)
def test_snippet_never_lets_body_html_through(db, hostile):
    article = ArticleFactory(summary="", body=f"Before {hostile} the <b>kremlin</b> spoke & left.")
    [hit] = page_hits([article.pk], run("kremlin"))
    without_marks = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks and ">" not in without_marks
    assert "&amp;" in hit.snippet


def test_snippet_highlights_the_matching_words(db):
    article = ArticleFactory(summary="", body="Before the talks, the kremlin spoke & left.")
    [hit] = page_hits([article.pk], run("kremlin"))
    assert "<mark>kremlin</mark>" in hit.snippet
    assert hit.url.startswith(article.get_absolute_url() + "#:~:text=kremlin")


def test_snippet_ignores_marker_characters_planted_in_the_body(db):
    article = ArticleFactory(body="Planted \ue000 marker \ue001 then kremlin news.")
    [hit] = page_hits([article.pk], run("kremlin"))
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>") == 1


def test_suggestion_respells_from_the_archive_vocabulary(archive):
    assert suggest(parse_query("kremlni talks")) == "kremlin talks"
    assert suggest(parse_query("harvset")) == "harvest"
    assert suggest(parse_query("kremlin")) == ""


def test_exact_title_finds_one_public_article(archive):
    def jump(raw: str) -> str:
        return run_search(run(raw), 1, title_jump=True).title_match

    assert jump("moscow WEATHER") == Article.objects.get(title="Moscow weather").slug
    assert jump("Draft about the kremlin") == ""  # not public
    assert jump("moscow weather section:news") == ""  # a filter: the reader is searching
    assert run_search(run("moscow WEATHER"), 1).title_match == ""  # asked for results


def test_two_stories_with_the_same_title_are_results_not_a_jump(archive):
    ArticleFactory(title="Moscow weather", published_at=at(2012))
    assert run_search(run("moscow weather"), 1, title_jump=True).title_match == ""


def test_snippet_finds_a_match_deep_in_a_long_body(db):
    filler = "\n\n".join(["Ordinary words about the weather and the markets."] * 200)
    article = ArticleFactory(summary="", body=f"{filler}\n\nAt last the kremlins spoke.")
    [hit] = page_hits([article.pk], run("kremlin"))
    assert "<mark>kremlins</mark>" in hit.snippet


# --- bounded work: the census's sample, the head windows, the planner settings ---


def test_the_census_counts_body_matches_after_title_matches(archive, monkeypatch):
    # "kremlin" is in one title and two bodies: with room for all, every match is counted…
    assert count_and_facets(run("kremlin"))[:2] == (3, False)
    # …and with a cap of one, the title match fills the sample before any body is read.
    monkeypatch.setattr(limits, "COUNT_CAP", 1)
    total, capped, facets = count_and_facets(run("kremlin"))
    assert (total, capped) == (1, True)
    assert [item["year"] for item in facets.years] == [2024]


@pytest.fixture
def headlines(db):
    """Eight stories with "kremlin" in the title (one also in the summary), a year apart, plus
    two that mention it in the body only."""
    stories = [
        ArticleFactory(title=f"Kremlin story {year}", summary="", body="Text.", published_at=at(year))
        for year in range(2010, 2018)
    ]
    ArticleFactory(title="Kremlin and more", summary="The kremlin again.", body="", published_at=at(2012, 3))
    ArticleFactory(title="Undated kremlin", summary="", body="", published_at=None)
    for year in (2011, 2016):
        ArticleFactory(title=f"Other {year}", summary="", body="The kremlin spoke.", published_at=at(year))
    return stories


def reference_order(search: Search) -> list[int]:
    """The bounded relevance order by definition (articles/search/__init__.py), computed the slow
    way with the ORM: the window (the newest HEAD_CANDIDATES title/summary matches and the newest
    BODY_CANDIDATES text-only ones) in the page's full score's order, then the rest newest first."""

    def newest(queryset) -> list[int]:
        return list(queryset.order_by(*sql.NEWEST).values_list("pk", flat=True))

    heads = newest(matches(search).filter(search_vector_head=search.tsquery))[: limits.HEAD_CANDIDATES]
    body = newest(matches(search).exclude(search_vector_head=search.tsquery))[: limits.BODY_CANDIDATES]
    window = {*heads, *body}
    ranked = [pk for pk in rank_exact(search) if pk in window]
    return [*ranked, *newest(matches(search).exclude(pk__in=window))]


@pytest.mark.parametrize(
    "years",
    [
        (),  # one window: everything
        (2016,),
        (2017, 2015, 2012),
        (2030, 2029),  # windows with nothing in them
        (2011,),
    ],
)
@pytest.mark.parametrize("candidates", [3, 500])
def test_relevance_does_not_depend_on_the_head_windows(headlines, monkeypatch, years, candidates):
    # Either side of a window's edge (windows are UTC years, whatever the site's time zone).
    for moment in (datetime(2015, 12, 31, 23, 59, tzinfo=UTC), datetime(2016, 1, 1, 0, 1, tzinfo=UTC)):
        ArticleFactory(title="Kremlin at midnight", summary="", body="", published_at=moment)
    monkeypatch.setattr(limits, "HEAD_CANDIDATES", candidates)
    monkeypatch.setattr(limits, "BODY_CANDIDATES", 1)
    monkeypatch.setattr(relevance, "window_years", lambda search, head: (years, False))
    search = run("kremlin")
    expected = reference_order(search)
    assert len(expected) == 14
    assert page_ids(search, 0, 100, False) == expected
    assert page_ids(search, 0, 100, True) == expected
    # Page by page too: the tiers' seam falls inside a page for 3 candidates.
    assert [pk for start in range(0, 14, 5) for pk in page_ids(search, start, start + 5, False)] == expected


def test_head_windows_only_for_words_in_more_headlines_than_the_census_holds(headlines, monkeypatch):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    relevance._histograms.clear()
    assert relevance.window_years(run("kremlin"), head=True) == ((), False)  # ten headlines: read them all
    monkeypatch.setattr(relevance, "estimated_matches", lambda search: (100_000.0, 400_000.0, 10**6))
    years, dense = relevance.window_years(run("kremlin"), head=True)
    assert len(years) in (1, 2) and list(years) == sorted(years, reverse=True) and not dense
    # 300,000 text-only matches of a million stories: dense, the date index is walked instead.
    assert relevance.window_years(run("kremlin"), head=False) == ((), True)
    relevance._histograms.clear()


def test_head_windows_are_years_of_the_filters_column(headlines, monkeypatch):
    """A window is its years' lexemes, which the head index holds (migration 0008): PostgreSQL
    tests them inside its GIN scan instead of reading each match's row for its date (the
    benchmark's EXPLAIN checks the plan at scale). The oldest window is a date condition."""
    monkeypatch.setattr(relevance, "window_years", lambda search, head: ((2016, 2012), False))
    for kind, head in (("head", True), ("body", False)):
        sql, params = relevance.candidates(run("kremlin"), head)
        now = timezone.now().year
        assert f"search_filters @@ %({kind}_window_0_years)s::tsquery" in sql
        assert f"search_filters @@ %({kind}_window_1_years)s::tsquery" in sql
        assert f"(published_at < %({kind}_window_2_before)s OR published_at IS NULL)" in sql
        assert params[f"{kind}_window_0_years"] == " | ".join(f"'y{year}'" for year in range(2016, now + 1))
        assert params[f"{kind}_window_1_years"] == "'y2012' | 'y2013' | 'y2014' | 'y2015'"
        assert params[f"{kind}_window_2_before"] == datetime(2012, 1, 1, tzinfo=UTC)


def test_planner_settings_do_not_outlive_the_search(archive):
    from django.db import connection

    results.run_search(run("kremlin"), 1)
    results.run_search(run("kremlin", "newest"), 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
        assert cursor.fetchone() == ("on", "on")


@pytest.mark.parametrize("candidates", [3, 500])
def test_pages_cut_from_the_census_follow_the_same_order(headlines, monkeypatch, candidates):
    # Twelve matches: the census holds them all, and run_search cuts pages from its ids instead
    # of matching again. Dates: the same order as the statements that match (page_ids);
    # relevance: every match scored (under the exact line), as the reference scores them all.
    monkeypatch.setattr(limits, "HEAD_CANDIDATES", candidates)
    monkeypatch.setattr(limits, "PAGE_SIZE", 5)
    for sort in ("relevance", "newest", "oldest"):
        search = run("kremlin", sort)
        found = census.census(search)
        assert not found.capped and len(found.ordered) == 12
        pages = [results.run_search(run("kremlin", sort), number).hits for number in (1, 2, 3)]
        shown = [hit.article.pk for page in pages for hit in page]
        if sort == "relevance":
            assert sorted(found.matched) == sorted(found.ordered)
            assert shown == rank_exact(search)
        else:
            assert shown == page_ids(search, 0, 100, False) == page_ids(search, 0, 100, True)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_a_hit_prints_its_date_as_the_date_filter_would(zone):
    from django.template import engines
    from django.template.defaultfilters import date as date_filter

    from articles.search.ranking import Hit

    search_hit = engines["jinja2"].env.get_template("articles/_search.html").module.search_hit

    with timezone.override(zone):
        for when in (at(2024, 9, 1), at(2001, 3, 31), timezone.make_aware(datetime(2020, 1, 1, 2, 30))):
            html = search_hit(Hit(Article(title="T", slug="t", published_at=when)))
            assert f'<time datetime="{date_filter(when, "c")}">{date_filter(when, "N j, Y")}</time>' in html
    assert "Date unknown" in search_hit(Hit(Article(title="T", slug="t", published_at=None)))


def test_a_hit_escapes_what_the_archive_holds():
    from django.template import engines

    from articles.search.ranking import Hit

    search_hit = engines["jinja2"].env.get_template("articles/_search.html").module.search_hit

    story = Article(title="<b>Bold</b> move", slug="t", byline="Ann & <i>Bo</i>", summary="<script>")
    html = search_hit(Hit(story))
    assert "&lt;b&gt;Bold&lt;/b&gt; move" in html and "Ann &amp; &lt;i&gt;Bo&lt;/i&gt;" in html
    assert "&lt;script&gt;" in html and "<script>" not in html and "<b>" not in html


@pytest.mark.parametrize("cap", [11, 5])
def test_capped_pages_rank_the_census_headlines_or_match_again(headlines, monkeypatch, cap):
    # Twelve matches, ten in headlines, above the exact line. Cap 11: capped, but the census holds
    # every headline match and the page ranks those by id; cap 5: it does not, and the page
    # matches them again.
    monkeypatch.setattr(limits, "COUNT_CAP", cap)
    monkeypatch.setattr(limits, "EXACT_LINE", cap)
    monkeypatch.setattr(limits, "PAGE_SIZE", 5)
    monkeypatch.setattr(limits, "HEAD_CANDIDATES", 3)
    found = census.census(run("kremlin"))
    assert found.capped and found.ordered is None and found.matched is None
    assert (found.heads is not None) == (cap == 11)
    pages = range(1, (cap - 1) // 5 + 2)  # the capped count (cap) decides how many pages there are
    shown = [hit.article.pk for number in pages for hit in results.run_search(run("kremlin"), number).hits]
    assert shown == reference_order(run("kremlin"))[:cap]
