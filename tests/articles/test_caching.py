"""Cheap repeat reads: page cache with invalidation on save, CDN headers, conditional GET."""

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import archive_state as state
from articles.archive_state import STRUCTURE_KEY, VERSION_KEY, archive_state, archive_version
from articles.http_cache import STALE_IF_ERROR_SECONDS, STALE_WHILE_REVALIDATE_SECONDS
from articles.models import Article
from articles.page_cache import known_parameters
from newsroom.cache_config import cache_config
from newsroom.request_scope import request_scope
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_page_cache(settings, page_cache):
    settings.CACHES = {"default": cache_config("redis://127.0.0.1:6379/15")}
    try:
        cache.clear()
    except Exception as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis on 127.0.0.1:6379 ({error})")
    yield
    cache.clear()


def test_a_repeat_read_is_served_from_the_cache_without_queries(
    client, page_cache, django_assert_num_queries
):
    article = ArticleFactory(title="Grain corridor reopens")
    first = client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())
    assert second.content == first.content and b"Grain corridor reopens" in second.content


# Each test runs in a transaction that never commits, and pages go stale when a change commits:
# `django_capture_on_commit_callbacks(execute=True)` runs what a commit would.


def test_an_editor_saving_a_story_invalidates_cached_pages(
    client, page_cache, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Old headline")
    assert b"Old headline" in client.get("/").content
    article.title = "Corrected headline"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert b"Corrected headline" in client.get("/").content
    assert b"Corrected headline" in client.get(article.get_absolute_url()).content


def test_cached_pages_go_stale_when_the_change_commits_not_before(
    client, page_cache, django_capture_on_commit_callbacks
):
    """A page rendered while a change is being written shows the data before it: were the pages
    made stale before the commit, that page would be kept under the new version as current."""
    article = ArticleFactory(title="Old headline")
    version = archive_version()
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Corrected headline"
        article.save()
        assert archive_version() == version
    assert archive_version() != version


def test_with_the_listener_on_a_save_leaves_invalidation_to_postgresqls_notice(
    settings, django_capture_on_commit_callbacks
):
    """Each process hears the notice and makes only what the change touched stale; a bump here too
    would empty this process's whole cache (every process's, on Redis) at each save."""
    settings.ARCHIVE_CHANGE_LISTENER = True
    article, version = ArticleFactory(), archive_version()
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert archive_version() == version


@pytest.mark.slow
def test_a_scheduled_story_is_on_the_cached_pages_at_its_time(client, page_cache):
    ArticleFactory(title="Already out")
    going_live = timezone.now() + timedelta(seconds=2)  # time enough to cache the page before
    story = ArticleFactory(title="Embargoed until now", published_at=going_live)
    home = client.get("/").content
    assert b"Already out" in home and b"Embargoed until now" not in home
    assert client.get(story.get_absolute_url()).status_code == 404
    time.sleep(max(0, (going_live - timezone.now()).total_seconds()) + 0.05)
    assert b"Embargoed until now" in client.get("/").content  # not the cached copy, kept 5 minutes
    assert client.get(story.get_absolute_url()).status_code == 200


def test_admin_bulk_unpublish_invalidates_cached_pages(
    client, admin_client, page_cache, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    assert client.get(article.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/articles/article/", {"action": "unpublish", "_selected_action": [str(article.pk)]}
        )
    client.cookies.clear()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_an_import_invalidates_cached_pages(client, page_cache, django_capture_on_commit_callbacks):
    assert b"Kremlin says" not in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(ROOT / "fixtures" / "seed"), stdout=io.StringIO())
    assert b"Kremlin says" in client.get("/").content


def test_staff_previews_are_never_cached(admin_client, client, page_cache):
    draft = ArticleFactory(status=Article.Status.DRAFT, title="Embargoed story")
    preview = admin_client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "no-store" in preview["Cache-Control"]
    assert client.get(draft.get_absolute_url()).status_code == 404


def directives(response) -> dict[str, str]:
    return dict((part.strip().split("=") + [""])[:2] for part in response["Cache-Control"].split(","))


def test_old_stories_are_kept_longer_by_cdns_than_fresh_ones_and_the_home_page(client):
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=400))
    fresh = ArticleFactory(published_at=timezone.now() - timedelta(hours=1))
    assert directives(client.get(old.get_absolute_url()))["s-maxage"] == "3600"
    assert directives(client.get(fresh.get_absolute_url()))["s-maxage"] == "300"
    home = directives(client.get("/"))
    assert "public" in home and home["s-maxage"] == "60"


def test_no_browser_or_cdn_keeps_a_page_past_the_next_scheduled_story(client, page_cache):
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=400), section__slug="news")
    ArticleFactory(published_at=timezone.now() + timedelta(seconds=40), section=old.section)
    for url in ("/", old.get_absolute_url(), "/sections/news/", "/feed/"):
        for _ in range(2):  # rendered, then from the page cache
            control = directives(client.get(url))
            assert 35 <= int(control["s-maxage"]) <= 40 and int(control["max-age"]) <= 40, url
    assert int(directives(client.get("/"))["max-age"]) == 30  # the home page's own is shorter


def test_a_not_found_page_is_kept_a_minute_never_past_the_next_scheduled_story(client, admin_client):
    control = directives(client.get("/articles/no-such-story/"))
    assert "public" in control and control["max-age"] == control["s-maxage"] == "60"
    assert "private" in directives(admin_client.get("/articles/no-such-story/"))  # never shared
    cache.clear()  # a new archive version: the story below is scheduled in it
    story = ArticleFactory(published_at=timezone.now() + timedelta(seconds=30))
    response = client.get(story.get_absolute_url())
    assert response.status_code == 404 and 25 <= int(directives(response)["s-maxage"]) <= 30


@pytest.mark.parametrize("url", ["/", "story", "/sections/news/", "/feed/", "/sitemap.xml"])
def test_cdns_serve_a_stale_copy_while_they_revalidate_and_while_the_site_is_down(client, url):
    """A correction reaches CDN readers within s-maxage; past it a busy page's readers do not wait
    on the origin, and nobody gets an error while the site is down."""
    story = ArticleFactory(section=SectionFactory(slug="news"))
    control = directives(client.get(story.get_absolute_url() if url == "story" else url))
    assert "public" in control
    assert control["stale-while-revalidate"] == str(STALE_WHILE_REVALIDATE_SECONDS)
    assert control["stale-if-error"] == str(STALE_IF_ERROR_SECONDS)
    assert int(control["s-maxage"]) <= 3600


def test_conditional_get_answers_304(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert response.has_header("ETag") and response.has_header("Last-Modified")
    url = article.get_absolute_url()
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304
    assert client.get(url, headers={"if-modified-since": response["Last-Modified"]}).status_code == 304
    article.title = "Changed"
    article.save()
    stale = client.get(url, headers={"if-none-match": response["ETag"]})
    assert stale.status_code == 200 and b"Changed" in stale.content


def test_page_cache_works_on_redis_and_is_invalidated_there(
    client, redis_page_cache, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="Stored in Redis")
    client.get(article.get_absolute_url())
    assert any(key.startswith(b"newsroom:1:story-page:") for key in cache._cache.get_client().keys("*"))
    article.title = "Updated in Redis"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert b"Updated in Redis" in client.get(article.get_absolute_url()).content


def test_a_revalidation_costs_one_query_and_no_rendering(client, django_assert_num_queries):
    article = ArticleFactory()
    url = article.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(1):
        response = client.get(
            url, headers={"if-none-match": first["ETag"], "if-modified-since": first["Last-Modified"]}
        )
    assert response.status_code == 304 and response.content == b""


def test_any_change_to_the_archive_changes_the_article_etag(client, django_capture_on_commit_callbacks):
    article, other = ArticleFactory(), ArticleFactory()
    etag = client.get(article.get_absolute_url())["ETag"]
    other.title = "A neighbour's new headline"
    with django_capture_on_commit_callbacks(execute=True):
        other.save()  # the article page shows neighbours and teasers: its ETag must move too
    assert client.get(article.get_absolute_url(), headers={"if-none-match": etag}).status_code == 200


def test_cached_pages_are_sent_in_one_piece(client, page_cache):
    ArticleFactory.create_batch(3)
    client.get("/feed/")
    feed = client.get("/feed/")  # from the cache; feeds are written in many small pieces
    assert len(list(feed)) == 1  # a WSGI server writes each piece separately: one is much faster


def test_a_cold_cache_is_filled_by_a_revalidation_too(client, page_cache, django_assert_num_queries):
    url = ArticleFactory().get_absolute_url()
    cache.clear()
    etag = client.get(url)["ETag"]
    versions = cache.get_many([VERSION_KEY, STRUCTURE_KEY])
    cache.clear()  # a freshly started worker, which found the archive as it was (the same versions)
    cache.set_many(versions, timeout=None)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    with django_assert_num_queries(0):  # the revalidation above rendered and stored the page
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_a_repeated_search_is_served_from_the_cache_and_goes_stale_on_import(
    client, page_cache, django_assert_num_queries, django_capture_on_commit_callbacks, settings
):
    settings.SEARCH_LOG_DAYS = 0  # not counted: the count's write is tests/articles/test_search_log.py's
    ArticleFactory(title="Kremlin statement on energy talks")
    first = client.get("/search/", {"q": "kremlin"})
    with django_assert_num_queries(0):
        again = client.get("/search/", {"q": "kremlin"})
    assert again.content == first.content and again["X-Robots-Tag"] == "noindex, nofollow"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(ROOT / "fixtures" / "seed"), stdout=io.StringIO())
    assert "Trump, Putin open" in client.get("/search/", {"q": "kremlin"}).content.decode().replace(
        "&#x27;", "'"
    )


def _menu_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "articles_section" WHERE EXISTS' in q["sql"]]


def test_the_section_menu_is_cached_until_the_archive_changes(client, django_capture_on_commit_callbacks):
    ArticleFactory(title="Grain corridor reopens", section__name="World", section__slug="world")
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    with CaptureQueriesContext(connection) as second:
        client.get("/search/")
    assert len(_menu_queries(first)) == 1 and _menu_queries(second) == []
    with django_capture_on_commit_callbacks(execute=True):
        science = ArticleFactory(title="Comet seen", section__name="Science", section__slug="science")
    menu = client.get("/").content.split(b'class="section-nav"')[1].split(b"</nav>")[0]
    assert b'href="/sections/world/">World</a>' in menu and b">Science</a>" in menu
    science.status = Article.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        science.save()
    menu = client.get("/").content.split(b'class="section-nav"')[1].split(b"</nav>")[0]
    assert b">Science</a>" not in menu


def test_a_version_left_by_the_release_before_in_a_shared_cache_still_serves_pages(client, page_cache):
    """During a rolling deploy with `CACHE_URL=redis://…`, processes of the release before (whose
    versions were numbers) share the cache."""
    cache.set(VERSION_KEY, 7, timeout=None)
    assert archive_version() == "7"
    assert client.get(ArticleFactory().get_absolute_url()).status_code == 200


def test_a_request_reads_the_archive_state_once(client, page_cache, monkeypatch):
    """The page cache's key, the section menu's fragment and the story's ETag: one read for all."""
    reads = []
    read = state.archive_state.function
    monkeypatch.setattr(state.archive_state, "function", lambda: reads.append(1) or read())
    url = ArticleFactory().get_absolute_url()
    for _ in range(2):  # rendered, then from the cache
        reads.clear()
        response = client.get(url)
        assert response.status_code == 200 and response.has_header("ETag")
        assert reads == [1]


def test_a_change_within_a_request_is_seen_by_the_rest_of_it(django_capture_on_commit_callbacks):
    with request_scope():
        before = archive_version()
        assert archive_state() is archive_state()
        with django_capture_on_commit_callbacks(execute=True):
            ArticleFactory()
        assert archive_version() != before


def test_outside_a_request_every_read_is_fresh():
    before = archive_version()
    cache.set(VERSION_KEY, "moved-by-another-process", timeout=None)
    assert archive_version() == "moved-by-another-process" != before


# --- cache keys made of what changes the answer ---------------------------------------------------


def test_unknown_parameters_are_served_the_cached_page_without_rendering_it_again(
    client, page_cache, django_assert_num_queries
):
    ArticleFactory(title="Grain corridor reopens")
    first = client.get("/")
    for junk in ("?junk=1", "?utm_source=newsletter&x=%ff", "?page=1", "?page=01&junk=2"):
        with django_assert_num_queries(0):
            again = client.get(f"/{junk}")
        assert again.content == first.content, junk


def test_unknown_parameters_never_reach_the_page(client, page_cache):
    ArticleFactory(title="Grain corridor reopens")
    html = client.get("/search/?q=grain&junk=planted-value").content.decode()
    assert "planted-value" not in html and "junk" not in html


def test_known_parameters_still_make_their_own_pages(client, page_cache):
    for n in range(25):
        ArticleFactory(title=f"Story {n} about grain")
    assert client.get("/?page=2").content != client.get("/").content
    grain, corridor = client.get("/search/?q=grain"), client.get("/search/?q=corridor")
    assert grain.content != corridor.content
    spaced = client.get("/search/?q=%20grain%20%20")  # the same search, spelled with spaces
    assert spaced.content == grain.content


def test_known_parameters_are_normalised():
    from django.http import QueryDict

    known = known_parameters
    names = ("q", "page", "sort")
    assert known(QueryDict("page=1&junk=x"), names).urlencode() == ""
    assert known(QueryDict("page=007"), names).urlencode() == "page=7"
    assert known(QueryDict("sort=newest&q=a++b&page=2"), names).urlencode() == "page=2&q=a+b&sort=newest"
    assert known(QueryDict("q=first&q=last"), names).urlencode() == "q=last"  # what .get() reads
    assert known(QueryDict("page=abc"), names).urlencode() == "page=abc"  # the view's 404 to give


def test_the_page_cache_is_bounded_in_bytes():
    from newsroom.bounded_cache import BoundedLocMemCache

    store = BoundedLocMemCache("bounded-test", {"OPTIONS": {"MAX_BYTES": 100_000, "MAX_ENTRIES": 10_000}})
    store.clear()
    for n in range(200):
        store.set(f"page-{n}", b"x" * 5_000)
        assert store.total_bytes <= 100_000
    assert store.get("page-199") is not None and store.get("page-0") is None  # oldest out first
    store.get("page-185")  # read lately: kept past newer ones
    for n in range(200, 215):
        store.set(f"page-{n}", b"y" * 5_000)
    assert store.get("page-185") is not None and store.get("page-186") is None
    store.set("huge", b"z" * 20_000)  # over an eighth of the budget: not kept, nothing pushed out
    assert store.get("huge") is None and store.get("page-214") is not None
    store.set("page-214", b"small")  # replaced: its old size is given back
    assert store.total_bytes < 100_000 - 4_000
    store.delete("page-214")
    store.set("count", 1)
    store.incr("count", 10**30)
    sizes_now = store.total_bytes
    store.clear()
    assert store.total_bytes == 0 and sizes_now > 0
