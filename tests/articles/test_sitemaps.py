"""sitemap.xml (a paginated index with lastmod), the Google News sitemap, and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import ArticleSitemap, NewsSitemap
from tests.articles.reader_data import shared_archive_fixture, wipe_archive
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
MAX_QUERIES = {
    "/sitemap.xml": 5,
    "/sitemap-articles.xml": 2,  # rendered; when kept, its bounds and fingerprint (below)
    "/sitemap-sections.xml": 2,
    "/news-sitemap.xml": 2,
}

archive = shared_archive_fixture(50)


@pytest.fixture
def empty(db):
    wipe_archive()


def xml(response) -> ET.Element:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(root: ET.Element) -> list[str]:
    return [loc.text for loc in root.iter(f"{SM}loc")]


def test_sitemap_index_lists_every_sitemap_with_lastmod(client, archive):
    root = xml(client.get("/sitemap.xml"))

    assert root.tag == f"{SM}sitemapindex"
    assert locations(root) == [
        f"http://testserver/sitemap-{name}.xml" for name in ("articles", "sections", "authors", "pages")
    ]
    latest = max(Article.objects.published().values_list("updated_at", flat=True))
    assert root.find(f"{SM}sitemap/{SM}lastmod").text == latest.isoformat()


def test_article_sitemap_lists_public_stories_with_lastmod(client, archive):
    root = xml(client.get("/sitemap-articles.xml"))
    urls = {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.findall(f"{SM}url")}

    public = Article.objects.published()
    assert len(urls) == public.count() == 50
    story = archive["stories"][3]
    assert urls[f"http://testserver{story.get_absolute_url()}"] == story.updated_at.date().isoformat()
    for hidden in (archive["draft"], archive["scheduled"]):
        assert f"http://testserver{hidden.get_absolute_url()}" not in urls


def test_large_archives_get_a_paginated_sitemap_index(client, archive, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 20)
    index = locations(xml(client.get("/sitemap.xml")))

    assert index[:3] == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-articles.xml?p=3",
    ]
    assert len(locations(xml(client.get("/sitemap-articles.xml?p=3")))) == 10


def test_article_sitemap_pages_are_id_ranges_that_never_shift(client, archive, monkeypatch):
    """Every public story is on exactly one page, pages hold at most `limit`, and a story keeps its
    page when others are added (pages are id ranges, read without an OFFSET)."""
    monkeypatch.setattr(ArticleSitemap, "limit", 7)
    public = {f"http://testserver{a.get_absolute_url()}" for a in Article.objects.published()}

    def pages() -> list[list[str]]:
        count = len(locations(xml(client.get("/sitemap.xml")))) - 3  # sections, authors, pages
        return [locations(xml(client.get(f"/sitemap-articles.xml?p={n}"))) for n in range(1, count + 1)]

    before = pages()
    listed = [url for page in before for url in page]
    assert sorted(listed) == sorted(public) and all(len(page) <= 7 for page in before)
    assert client.get(f"/sitemap-articles.xml?p={len(before) + 1}").status_code == 404

    ArticleFactory.create_batch(3)
    after = pages()
    assert after[: len(before) - 1] == before[:-1] and len(after) >= len(before)


def test_news_sitemap_lists_an_old_draft_published_today(client, empty, monkeypatch):
    """The news sitemap is one counted page of recent stories, not an id range: a story drafted
    long ago (a low id) and published now is on it with the others."""
    monkeypatch.setattr(NewsSitemap, "limit", 4)
    old = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    ArticleFactory.create_batch(5, status=Article.Status.DRAFT)
    fresh = ArticleFactory.create_batch(3, published_at=timezone.now() - timezone.timedelta(hours=2))
    Article.objects.filter(pk=old.pk).update(status="published", published_at=timezone.now())
    news = locations(xml(client.get("/news-sitemap.xml")))

    assert sorted(news) == sorted(f"http://testserver{a.get_absolute_url()}" for a in [old, *fresh])


@pytest.mark.parametrize("query", ["?p=99", "?p=abc", "?p=-1", "?p=0"])
def test_bad_sitemap_page_is_a_404(client, archive, query):
    assert client.get(f"/sitemap-articles.xml{query}").status_code == 404


def test_unknown_sitemap_section_is_a_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_section_and_author_sitemaps_skip_empty_ones(client, archive):
    SectionFactory(name="Empty", slug="empty")
    sections = locations(xml(client.get("/sitemap-sections.xml")))
    assert sorted(sections) == [f"http://testserver/sections/{s}/" for s in ("business", "culture", "world")]
    authors = locations(xml(client.get("/sitemap-authors.xml")))
    assert len(authors) == 4


def test_news_sitemap_lists_the_last_48_hours_with_news_tags(client, empty):
    now = timezone.now()
    fresh = ArticleFactory(title="Fresh & <new>", published_at=now - timezone.timedelta(hours=3))
    ArticleFactory(published_at=now - timezone.timedelta(hours=49))
    ArticleFactory(published_at=None)
    ArticleFactory(published_at=now - timezone.timedelta(hours=1), status=Article.Status.DRAFT)
    root = xml(client.get("/news-sitemap.xml"))

    (url,) = root.findall(f"{SM}url")
    assert url.findtext(f"{SM}loc") == f"http://testserver{fresh.get_absolute_url()}"
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}title") == "Fresh & <new>"
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Newsroom"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}publication_date") == fresh.published_at.isoformat()


def test_sitemaps_send_validators_and_answer_304(client, archive):
    response = client.get("/sitemap-articles.xml")
    assert response.has_header("Last-Modified")
    assert client.get("/sitemap-articles.xml", headers={"if-none-match": response["ETag"]}).status_code == 304


@pytest.mark.parametrize("url", list(MAX_QUERIES))
def test_sitemaps_run_a_fixed_number_of_queries(
    client, archive, url, archive_state_read, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES[url]):
        assert locations(xml(client.get(url)))


def test_robots_txt_points_at_the_sitemaps(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines


# --- the stories' sitemap pages, kept by what they list ---------------------------------------------


def test_a_kept_sitemap_page_costs_its_fingerprint_and_a_read(
    client, archive, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 300
    first = client.get("/sitemap-articles.xml")
    with django_assert_num_queries(2):  # the page's bounds and its fingerprint: no render
        again = client.get("/sitemap-articles.xml?junk=anything&p=1")
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] and again["Last-Modified"] == first["Last-Modified"]
    assert "public" in again["Cache-Control"]


def test_a_change_to_a_listed_story_renders_its_page_again(client, archive, settings):
    settings.PAGE_CACHE_SECONDS = 300
    client.get("/sitemap-articles.xml")
    story = Article.objects.published().order_by("pk").first()
    sitemap = ArticleSitemap()
    before = sitemap.fingerprint(1)
    story.slug = "a-corrected-address"
    story.save()
    assert sitemap.fingerprint(1) != before
    assert "http://testserver/articles/a-corrected-address/" in locations(
        xml(client.get("/sitemap-articles.xml"))
    )


def test_a_story_going_live_or_withdrawn_changes_its_pages_fingerprint(archive):
    story = Article.objects.published().order_by("pk").first()
    sitemap = ArticleSitemap()
    public = sitemap.fingerprint(1)
    Article.objects.filter(pk=story.pk).update(published_at=timezone.now() + timezone.timedelta(days=1))
    scheduled = sitemap.fingerprint(1)
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    assert public != scheduled and sitemap.fingerprint(1) not in {public}


def test_a_sitemap_page_past_the_last_is_a_404(client, archive):
    assert client.get("/sitemap-articles.xml?p=99").status_code == 404
    assert client.get("/sitemap-articles.xml?p=abc").status_code == 404
