"""/search/ and /search/feed/ over HTTP: the page, chips, facets, sort, pagination, the title
jump, the feed, a fixed query budget, and hostile input that must never produce a 500."""

from datetime import datetime
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.search import limits
from articles.search.suggest import refresh_vocabulary
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

URL = "/search/"


def at(year: int) -> datetime:
    return timezone.make_aware(datetime(year, 6, 1, 12))


@pytest.fixture
def archive(db):
    news, opinion = SectionFactory(name="News", slug="news"), SectionFactory(name="Opinion", slug="opinion")
    abbey = AuthorFactory(name="Abbey Fenbert", slug="abbey-fenbert")
    boris = AuthorFactory(name="Boris Lang", slug="boris-lang")
    ArticleFactory(
        title="Kremlin says talks will continue",
        slug="kremlin-talks",
        summary="Negotiators meet again.",
        body="First paragraph about weather.\n\nThe Kremlin confirmed the <b>talks</b> & more.",
        section=news,
        published_at=at(2024),
        authors=[abbey],
    )
    for year in range(2001, 2013):
        ArticleFactory(
            title=f"Harvest report {year}",
            body="Farmers and the kremlin harvest grain.",
            section=opinion,
            published_at=at(year),
            authors=[boris],
        )
    refresh_vocabulary()


def get(client, **params):
    return client.get(URL, params)


def test_empty_search_shows_the_form_and_latest_stories(client, archive):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html and "Latest stories" in html and "Kremlin says talks" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_results_show_title_section_date_byline_and_highlighted_snippet(client, archive):
    html = get(client, q="confirmed").content.decode()
    assert "1 result" in html
    assert "Kremlin says talks will continue" in html
    assert "News" in html and "June 1, 2024" in html and "Abbey Fenbert" in html
    assert "<mark>confirmed</mark>" in html
    assert "<b>talks</b>" not in html  # body HTML never reaches the page
    assert 'href="/articles/kremlin-talks/#:~:text=confirmed' in html


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def chips(response) -> dict[str, str]:
    """{label: the URL that removes it} of the "Your search" chips."""
    items = soup(response).select("ul.search-chips li")
    return {item.span.get_text(): item.a["href"] for item in items}


def total(response) -> str:
    return soup(response).select_one("h2.search-count").get_text(" ", strip=True)


def headlines(response) -> list[str]:
    return [link.get_text() for link in soup(response).select("ol.search-hits li.search-hit h3 a")]


def facet_group(response, title: str) -> dict[str, tuple[int, str]]:
    """{label: (count, narrowing URL)} of one facet group."""
    aside = soup(response).select_one("aside.search-facets")
    heading = next(h2 for h2 in aside.find_all("h2") if h2.get_text() == title)
    return {
        item.a.get_text(): (int(item.select_one(".count").get_text()), item.a["href"])
        for item in heading.find_next_sibling("ul").find_all("li")
    }


def test_chips_show_each_part_and_remove_it(client, archive):
    found = chips(get(client, q='kremlin "grain" -weather author:boris', section="opinion"))
    assert list(found) == ["kremlin", "“grain”", "not weather", "author: boris", "section: opinion"]
    assert list(chips(client.get(found["author: boris"]))) == [
        "kremlin",
        "“grain”",
        "not weather",
        "section: opinion",
    ]
    assert "section: opinion" not in chips(client.get(found["section: opinion"]))


def test_form_filters_narrow_like_operators(client, archive):
    assert total(get(client, q="kremlin", author="abbey-fenbert")) == "1 result"
    assert total(get(client, q="kremlin", after="2010-01-01", before="2011-12-31")) == "2 results"


def test_facets_list_sections_authors_and_years_with_links(client, archive):
    response = get(client, q="kremlin")
    sections = facet_group(response, "Section")
    assert [(label, count) for label, (count, _) in sections.items()] == [("Opinion", 12), ("News", 1)]
    assert list(facet_group(response, "Year"))[0] == "2024"
    assert total(client.get(sections["News"][1])) == "1 result"


def test_sort_links_and_newest_order(client, archive):
    response = get(client, q="harvest", sort="oldest")
    assert headlines(response)[0] == "Harvest report 2001"
    sort = soup(response).select_one("p.search-sort")
    assert sort.strong.get_text() == "Oldest first" and sort.strong["aria-current"] == "true"
    newest = next(link["href"] for link in sort.find_all("a") if link.get_text() == "Newest first")
    assert headlines(client.get(newest))[0] == "Harvest report 2012"


def test_pagination_and_bad_pages(client, archive):
    first = soup(get(client, q="harvest", sort="newest")).select_one("nav.pagination")
    assert "Page 1 of 2" in first.get_text()
    second = client.get(URL + first.select_one("a[rel=next]")["href"])
    assert len(headlines(second)) == 2
    for page in ("3", "0", "-1", "abc", "1e3", "99999999999999999999"):
        assert get(client, q="harvest", page=page).status_code == 404


def test_capped_count_says_so(client, archive, monkeypatch):
    monkeypatch.setattr(limits, "COUNT_CAP", 5)
    html = get(client, q="harvest").content.decode()
    assert "5+ results" in html


def test_zero_hits_offer_a_spelling_suggestion(client, archive):
    suggestion = soup(get(client, q="harvset")).select_one(".search-empty p a")
    assert suggestion.get_text() == "harvest" and "Did you mean" in suggestion.parent.get_text()
    assert headlines(client.get(suggestion["href"]))


def test_exact_title_jumps_to_the_article(client, archive):
    response = get(client, q="kremlin says talks will continue")
    assert response.status_code == 302
    assert response.headers["Location"] == "/articles/kremlin-talks/"


def test_the_feed_lists_matches_newest_first(client, archive):
    response = client.get(reverse("search_feed") + "?" + urlencode({"q": "harvest section:opinion"}))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Harvest report 2012") < body.index("Harvest report 2011")
    assert "Kremlin says" not in body


def test_the_results_page_runs_a_fixed_number_of_queries(
    client, archive, archive_state_read, django_assert_max_num_queries, settings
):
    settings.SEARCH_LOG_DAYS = 0  # the count, written after the response: tests/articles/test_search_log.py
    # Two statements: the census (count, facets, title jump) and the page (or the suggestion),
    # each in a savepoint inside the test's transaction (SAVEPOINT, ROLLBACK TO, RELEASE), and the
    # section menu on a cold cache (its sections, and their story counts).
    # Section and author filters read the sections' and authors' ids first, in one query, kept
    # in the cache until the archive changes (articles/search/, `_filter_query`); without words,
    # an author's story ids (`_stories_of`). A quoted phrase reads its candidates first
    # (`phrase_candidates`), in a savepoint too. +1 on a cold cache: the synonym list
    # (`articles/search/synonyms.known_terms`), kept in the cache until the archive changes.
    with django_assert_max_num_queries(12):
        get(client, q="kremlin", section="opinion")
    with django_assert_max_num_queries(8):
        get(client, q="kremlin", section="opinion")  # the names' ids and the menu are cached now
    with django_assert_max_num_queries(12):
        get(client, q='"kremlin says" talks')  # three statements: candidates, census, page
    with django_assert_max_num_queries(9):
        get(client, q="kremlin", author="fenbert", section="news")
    with django_assert_max_num_queries(9):
        get(client, author="fenbert")
    with django_assert_max_num_queries(5):
        get(client, q="zzqqzz")
    with django_assert_max_num_queries(4):
        assert get(client, q="kremlin says talks will continue").status_code == 302


HOSTILE = [
    '"',
    '"""',
    '"unbalanced',
    'unbalanced"',
    "'",
    "-",
    "--",
    "- -",
    "or",
    "or or or",
    "-or",
    "|",
    "&",
    "!",
    "!!kremlin",
    "(",
    ")",
    "((kremlin",
    "kremlin)",
    "<->",
    "kremlin <-> talks",
    "kremlin:*",
    ":*",
    "*",
    "a:b:c",
    "author:",
    'author:"',
    'author:""',
    "kremlin author:%",
    "author:_",
    "author:kremlin\x00talks",
    "author:' OR 1=1 --",
    'author:"\u202egnihton😀"',
    "section:",
    "after:",
    "after:2025-13-45",
    "before:0000-00-00",
    "after:99999-01-01",
    "before:2024-02-30",
    "after:yesterday",
    "the",
    "the and of a",
    "x" * 10_000,
    "kremlin " * 2_000,
    "kremlin\x00talks",
    "\x00",
    "\x01\x02\x03\x1b[31m",
    "\u202ekremlin\u202c",
    "\u200f\u200e\u2066",
    "كرملين",
    "克里姆林宫",
    "😀🔥",
    "kremlin 😀",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    "kremlin' UNION SELECT password FROM auth_user --",
    "%",
    "%%",
    "\\",
    "\\x00",
    "$$",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% debug %}",
    "\ue000kremlin\ue001",
    "ǅ̵̡̛̖̗̘̙̜̝̞̟̠̣̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼ͅ",
    " ",
    "\t\n\r",
]


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_queries_never_break_the_page(client, archive, raw):
    response = get(client, q=raw)
    assert response.status_code in (200, 302)
    feed = client.get(reverse("search_feed"), {"q": raw})
    assert feed.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"q": "kremlin", "page": "-1"},
        {"q": "kremlin", "page": "abc"},
        {"q": "kremlin", "page": "\x00"},
        {"q": "kremlin", "sort": "'; DROP TABLE"},
        {"q": "kremlin", "after": "2025-13-45"},
        {"q": "kremlin", "before": "not a date"},
        {"q": "kremlin", "author": "x" * 1000},
        {"q": "kremlin", "section": "\x00"},
        {"q": "kremlin", "author": "\x00"},
        {"q": "kremlin", "author": "%_%"},
        {"author": "nobody-at-all"},
        {"section": "opinion", "sort": "relevance"},
    ],
)
def test_hostile_parameters_give_a_message_or_a_404(client, archive, params):
    assert get(client, **params).status_code in (200, 404)


def test_only_stop_words_explains_itself(client, archive):
    html = get(client, q="the and of").content.decode()
    assert "only very common words" in html


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=120)
    | st.sampled_from(HOSTILE).flatmap(lambda raw: st.just(raw + " author:x after:2020-01-01")),
    page=st.sampled_from(["1", "2", "-1", "abc", ""]),
    sort=st.sampled_from(["relevance", "newest", "oldest", "x"]),
)
def test_any_input_answers_200_302_or_404(client, archive, q, page, sort):
    assert get(client, q=q, page=page, sort=sort).status_code in (200, 302, 404)


def test_turning_the_pages_of_a_search_counts_its_matches_once(
    client, db, settings, django_capture_on_commit_callbacks
):
    """The census (count and facets) is kept for SEARCH_CACHE_SECONDS: page 3 after page 2 runs one
    statement fewer and shows the same count; a new matching story makes it stale at once."""
    settings.SEARCH_CACHE_SECONDS = 60
    ArticleFactory.create_batch(35, title="Harbour report", body="The harbour was busy.")

    def results(page: int) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            html = get(client, q="harbour", page=str(page)).content.decode()
        count = BeautifulSoup(html, "html.parser").select_one(".search-count").get_text(strip=True)
        return count, sum("WITH found AS MATERIALIZED" in query["sql"] for query in queries)

    (count_2, censuses_2), (count_3, censuses_3) = results(2), results(3)
    assert count_2 == count_3 == "35 results"
    assert (censuses_2, censuses_3) == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):  # stale once the new story commits
        ArticleFactory(title="Harbour reopens", body="harbour")
    assert results(3)[0] == "36 results"


def test_the_search_census_is_not_kept_when_the_cache_is_off(client, db, settings):
    settings.SEARCH_CACHE_SECONDS = 0
    ArticleFactory.create_batch(15, title="Harbour report")
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            get(client, q="harbour", page="2")
        assert sum("WITH found AS MATERIALIZED" in query["sql"] for query in queries) == 1


def test_facets_say_when_they_are_cut_and_list_the_rest(client, db):
    for n in range(11):
        section = SectionFactory(name=f"Desk {n:02d}", slug=f"desk-{n:02d}")
        ArticleFactory.create_batch(n + 1, title=f"Harbour report {n}", section=section)
    soup = BeautifulSoup(client.get("/search/?q=harbour").content, "html.parser")
    facets = soup.select_one(".search-facets")
    [section_group, *_] = facets.find_all("ul", recursive=False)
    assert len(section_group.find_all("li")) == 8
    more = facets.select_one("details.facet-more")
    assert more.summary.get_text(strip=True) == "All 11 sections"
    assert [a.get_text() for a in more.select("li a")] == ["Desk 02", "Desk 01", "Desk 00"]
