"""RSS feeds: the whole archive, a section, an author."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from articles.feeds import FEED_SIZE
from articles.models import Article
from tests.articles.reader_data import shared_archive_fixture, wipe_archive
from tests.factories import ArticleFactory, ImageFactory, png_upload

pytestmark = pytest.mark.django_db

DC = "{http://purl.org/dc/elements/1.1/}"
MAX_QUERIES = {"/feed/": 1, "/sections/world/feed/": 2, "/authors/kyiv-desk/feed/": 2}

archive = shared_archive_fixture(50)


@pytest.fixture
def empty(db):
    """No stories but the test's own (the shared archive is deleted inside this test's transaction)."""
    wipe_archive()


def items(response) -> list[ET.Element]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).findall("./channel/item")


def links(response) -> list[str]:
    return [item.findtext("link") for item in items(response)]


def expected(**filters) -> list[str]:
    stories = Article.objects.published().filter(**filters)[:FEED_SIZE]
    return [f"http://testserver{story.get_absolute_url()}" for story in stories]


def test_site_feed_lists_the_newest_public_stories(client, archive):
    response = client.get("/feed/")
    channel = ET.fromstring(response.content).find("channel")

    assert channel.findtext("title") == "Newsroom: latest stories"
    assert links(response) == expected()
    assert len(links(response)) == FEED_SIZE
    text = response.content.decode()
    assert archive["draft"].title not in text and archive["scheduled"].title not in text


def test_feed_items_carry_summary_author_category_and_date(client, archive):
    story = archive["stories"][0]
    item = items(client.get("/feed/"))[0]

    assert item.findtext("title") == story.title
    assert item.findtext("description") == story.summary
    assert item.findtext(f"{DC}creator") == story.byline
    assert item.findtext("category") == story.section.name
    assert item.findtext("pubDate")
    assert item.findtext("guid") == f"http://testserver{story.get_absolute_url()}"


def test_undated_story_has_no_invented_pub_date(client, empty):
    ArticleFactory(published_at=None)
    (item,) = items(client.get("/feed/"))
    assert item.find("pubDate") is None


def test_hero_image_file_is_an_enclosure(client, empty, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = png_upload(size=(20, 10))
    hero = ImageFactory(file=upload)
    ArticleFactory(hero_image=hero)
    ArticleFactory(hero_image=ImageFactory())  # no file: no enclosure
    without_file, with_file = items(client.get("/feed/"))  # newest first

    enclosure = with_file.find("enclosure")
    assert enclosure.get("url") == f"http://testserver{hero.file.url}"
    assert enclosure.get("type") == "image/png"
    assert enclosure.get("length") == str(upload.size)
    assert without_file.find("enclosure") is None


def test_missing_image_file_does_not_break_the_feed(client, empty, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hero = ImageFactory()
    ArticleFactory(hero_image=hero)
    hero.file.name, hero.width, hero.height = "images/gone.jpg", 20, 10  # uploaded once, since deleted
    hero.save()
    (item,) = items(client.get("/feed/"))
    assert item.find("enclosure") is None


def test_section_feed_lists_only_that_section(client, archive):
    response = client.get("/sections/world/feed/")
    assert links(response) == expected(section__slug="world")
    assert ET.fromstring(response.content).findtext("./channel/title") == "Newsroom: World"


def test_author_feed_lists_only_that_author(client, archive):
    author = archive["authors"][0]
    response = client.get(f"/authors/{author.slug}/feed/")
    assert links(response) == expected(authors=author)
    assert ET.fromstring(response.content).findtext("./channel/link").endswith(author.get_absolute_url())


@pytest.mark.parametrize("url", ["/sections/nowhere/feed/", "/authors/nobody/feed/"])
def test_feed_of_unknown_section_or_author_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_control_characters_in_a_title_do_not_break_the_feed(client, empty):
    ArticleFactory(title="Bell\x07 and\x0b tab", summary="Form\x0cfeed")
    (item,) = items(client.get("/feed/"))
    assert item.findtext("title") == "Bell and tab"


def test_feed_sends_validators_and_answers_304(client, archive):
    response = client.get("/feed/")
    assert response.has_header("Last-Modified")
    assert client.get("/feed/", headers={"if-none-match": response["ETag"]}).status_code == 304
    last_modified = response["Last-Modified"]
    assert client.get("/feed/", headers={"if-modified-since": last_modified}).status_code == 304


@pytest.mark.parametrize("url", list(MAX_QUERIES))
def test_feeds_run_a_fixed_number_of_queries(
    client, archive, url, archive_state_read, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES[url]):
        assert len(items(client.get(url))) > 0


@pytest.mark.parametrize(
    ("url", "feed"),
    [
        ("/", "/feed/"),
        ("/sections/world/", "/sections/world/feed/"),
        ("/authors/kyiv-desk/", "/authors/kyiv-desk/feed/"),
    ],
)
def test_pages_announce_their_feeds(client, archive, url, feed):
    html = client.get(url).content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert f'href="{feed}"' in html
